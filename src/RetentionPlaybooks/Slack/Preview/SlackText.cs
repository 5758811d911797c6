using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Preview;

/// <summary>A Block Kit text object, read into display runs.</summary>
internal sealed record SlackText(bool IsMrkdwn, string Source, IReadOnlyList<MrkdwnRun> Runs)
{
    /// <summary>The text as one plain string, formatting dropped.</summary>
    public string PlainText => MrkdwnParser.ToPlainText(Runs);

    /// <summary>
    /// Reads <c>{"type":"mrkdwn"|"plain_text","text":...}</c>, or null when the node is not a text object.
    /// plain_text gets its entities decoded too, but no links, mentions or formatting.
    /// </summary>
    public static SlackText? From(JsonNode? node)
    {
        if (node is not JsonObject obj || MessageJson.String(obj, "text") is not { } text) return null;
        var isMrkdwn = MessageJson.String(obj, "type") == "mrkdwn";
        return new SlackText(isMrkdwn, text, isMrkdwn ? MrkdwnParser.Parse(text) : MrkdwnParser.ParsePlain(text));
    }
}
