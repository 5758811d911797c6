using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>How the previews read the model's text: display runs, plain strings, and a message's title.</summary>
internal static class PreviewText
{
    /// <summary>The display runs of a text object; plain_text gets its entities decoded too, but no links, mentions or formatting.</summary>
    public static IReadOnlyList<MrkdwnRun> Runs(TextObject text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text is MrkdwnText ? MrkdwnParser.Parse(text.Text) : MrkdwnParser.ParsePlain(text.Text);
    }

    /// <summary>The text as one plain string, formatting dropped.</summary>
    public static string Plain(TextObject text) => MrkdwnParser.ToPlainText(Runs(text));

    /// <summary>The title a list of messages shows: the header, else the first section text, else the fallback text.</summary>
    public static string Title(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Blocks.OfType<HeaderBlock>().FirstOrDefault() is { } header) return Plain(header.Text);
        if (message.Blocks.OfType<SectionBlock>().FirstOrDefault(s => s.Text is not null)?.Text is { } text) return Plain(text);
        return MrkdwnParser.ToPlainText(MrkdwnParser.Parse(message.Text));
    }
}
