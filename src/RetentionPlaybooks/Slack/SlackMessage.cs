using System.Text;
using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// A rendered escalation: its Block Kit model, and the chat.postMessage body serialised from it once, at
/// construction, as compact UTF-8 JSON ready to send. Everything that reads a message (the validator, the previews,
/// snapshots) reads the model; only Slack gets the bytes.
/// </summary>
internal sealed class SlackMessage
{
    public SlackMessage(BlockKitMessage model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Body = BlockKitWriter.Serialize(model);
    }

    /// <summary>The message as typed blocks.</summary>
    public BlockKitMessage Model { get; }

    /// <summary>The channel (or user, for a DM) id the body is addressed to.</summary>
    public string Channel => Model.Channel;

    /// <summary>The notification fallback text.</summary>
    public string Text => Model.Text;

    /// <summary>The chat.postMessage body: channel, text, unfurl_links and unfurl_media (always false), blocks.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Stable pretty JSON, as committed in snapshot files.</summary>
    public string ToPrettyJson() => BlockKitWriter.Indented(Model) + "\n";
}
