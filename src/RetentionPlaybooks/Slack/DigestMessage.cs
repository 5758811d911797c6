using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Templates;
using RetentionPlaybooks.Workspace;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// A channel's digest: one message per interval listing the escalations rolled into it, one section each — the case's
/// title, value, owner, time and first link, and a menu to acknowledge it or mark its outcome (every line is still a case).
/// Lines are rendered when the escalation is decided (<see cref="Line"/>) and kept; the message is put together when it is
/// sent (<see cref="Assemble"/>), within Block Kit's limits (at most <see cref="DigestPolicy.MaxLines"/> lines).
/// Only what the case's own message already shows (its title, its first link) and the playbook's words appear.
/// </summary>
internal static class DigestMessage
{
    /// <summary>Message metadata of a digest, so an in-doubt post is found again (its payload names the digest's id).</summary>
    public const string MetadataEventType = "retention_digest";

    /// <summary>The action id of a line's menu: its options carry "ack|id", "saved|id" or "lost|id|reason".</summary>
    public const string CaseMenuId = "rp_case_menu";

    /// <summary>A line's block id: "rp_line_" and the escalation id.</summary>
    public const string LineBlockPrefix = "rp_line_";

    /// <summary>The metadata payload's playbook field of a digest (it spans playbooks).</summary>
    public const string MetadataPlaybook = "digest";

    /// <summary>The line of one escalation: title, value, owner, when, first link; its case menu.</summary>
    public static SectionBlock Line(Escalation escalation, CompiledPlaybook playbook)
    {
        var title = escalation.Message.Model.Blocks.OfType<HeaderBlock>().FirstOrDefault()?.Text.Text is { Length: > 0 } t ? t : playbook.Id;
        var parts = new List<string>(5) { $"*{Mrkdwn.Escape(title)}*" };
        // The value, unless the title already shows it (the VIP cart's does).
        if (escalation.Value is { } value && MarketerFilters.FormatMoney(value, MarketerFilters.DefaultCurrency) is var money && !title.Contains(money, StringComparison.Ordinal))
        {
            parts.Add(Mrkdwn.Escape(money));
        }
        parts.Add($"<@{playbook.Owner.SlackUser}>");
        parts.Add(Date(escalation.EvaluatedAt));
        // The message's first link button: its URL was allow-listed when the message was rendered.
        var link = escalation.Message.Model.Blocks.OfType<ActionsBlock>().SelectMany(a => a.Elements).OfType<ButtonElement>().FirstOrDefault(b => b.Url is not null);
        var text = string.Join(" · ", parts);
        // The link goes whole or not at all: a link cut by the section's limit would leave its markup open.
        var linked = link is null ? null : $"{text} · <{LinkTarget(link.Url!)}|{Mrkdwn.Escape(link.Text.Text).Replace('|', '¦')}>";
        text = linked is not null && linked.Length <= BlockKitLimits.SectionText ? linked : BlockKitLimits.Trim(text, BlockKitLimits.SectionText);
        return new SectionBlock(new MrkdwnText(text), []) { BlockId = LineBlockPrefix + escalation.Id, Accessory = CaseMenu(escalation.Id, playbook.LostReasons) };
    }

    /// <summary>The line as kept until its digest is sent (compact JSON of the block).</summary>
    public static byte[] LineJson(Escalation escalation, CompiledPlaybook playbook) => BlockKitWriter.SerializeBlock(Line(escalation, playbook));

    /// <summary>Acknowledge, Saved, and Lost with each of the playbook's reasons, in one menu beside the line.</summary>
    internal static StaticSelectElement CaseMenu(string escalationId, IReadOnlyList<string> lostReasons)
    {
        var options = new List<SelectOption>(2 + lostReasons.Count)
        {
            new(new PlainText("Acknowledge"), "ack|" + escalationId),
            new(new PlainText("Saved"), "saved|" + escalationId),
        };
        foreach (var reason in lostReasons.Take(BlockKitLimits.SelectOptions - 2))
        {
            var label = "Lost: " + reason.Replace('_', ' ');
            options.Add(new SelectOption(new PlainText(BlockKitLimits.Trim(label, BlockKitLimits.OptionText)), $"lost|{escalationId}|{reason}"));
        }
        return new StaticSelectElement(new PlainText("Mark this case"), CaseMenuId, options);
    }

    /// <summary>What a digest's delivery keeps until it is sent: where it goes, the channel's name and its digest policy.</summary>
    public static byte[] Head(ChannelSymbol channel) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["channel"] = channel.SlackTarget, ["name"] = channel.Name, ["policy"] = channel.Digest?.ToString() ?? "" }.ToJsonString());

    /// <summary>
    /// The chat.postMessage body of a digest: a header with the count, a context line saying why escalations roll up here,
    /// the lines (oldest first; at most <see cref="DigestPolicy.MaxLines"/>, a line that is not a block is left out) and the
    /// digest's id as message metadata.
    /// </summary>
    public static SlackMessage Assemble(string digestId, byte[] head, IReadOnlyList<byte[]> lines, string? fallbackTarget = null)
    {
        // What the store kept is ours, but a digest must never wedge its lane: a head or line that does not read is left out.
        var h = Parse(head) ?? new JsonObject();
        var target = Text(h, "channel") ?? fallbackTarget ?? "";
        var name = Text(h, "name") ?? target;
        var policy = Text(h, "policy") ?? "";
        var blocks = new List<Block>(lines.Count + 2);
        foreach (var line in lines.Take(DigestPolicy.MaxLines))
        {
            if (Parse(line) is { } o && BlockKitReader.Block(o) is SectionBlock { Text: not null } section) blocks.Add(section);
        }
        var count = blocks.Count;
        var noun = count == 1 ? "escalation" : "escalations";
        var title = $"Digest: {count} {noun} for {name}";
        blocks.Insert(0, new HeaderBlock(new PlainText(BlockKitLimits.Trim(title, BlockKitLimits.HeaderText))));
        var why = $"Past this channel's daily budget{(policy.Contains("after", StringComparison.Ordinal) ? " or in a burst" : "")}, escalations roll up here ({Mrkdwn.Escape(policy)}). Each line is a case: mark it from its menu.";
        blocks.Insert(1, new ContextBlock([new MrkdwnText(BlockKitLimits.Trim(why, BlockKitLimits.SectionText))]));
        return new SlackMessage(new BlockKitMessage(target, Mrkdwn.Escape(title), blocks)
        {
            UnfurlLinks = false,
            UnfurlMedia = false,
            Metadata = new EscalationMetadata(MetadataEventType, digestId, MetadataPlaybook),
        });
    }

    private static JsonObject? Parse(byte[] json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The digest as it would be sent for these escalations (previews, snapshots, simulate).</summary>
    public static SlackMessage Render(string digestId, ChannelSymbol channel, IEnumerable<(Escalation Escalation, CompiledPlaybook Playbook)> escalations) =>
        Assemble(digestId, Head(channel), escalations.Select(e => LineJson(e.Escalation, e.Playbook)).ToList());

    /// <summary>Slack's date token (the reader's time zone) with a UTC fallback.</summary>
    private static string Date(DateTimeOffset at) =>
        $"<!date^{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{time}}|{at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC>";

    /// <summary>A URL as the target of a mrkdwn link: the characters that would end it or break its markup are percent-encoded.</summary>
    internal static string LinkTarget(string url)
    {
        if (url.AsSpan().IndexOfAny("|<> &") < 0) return url;
        var b = new StringBuilder(url.Length + 8);
        foreach (var c in url)
        {
            b.Append(c switch { '|' => "%7C", '<' => "%3C", '>' => "%3E", ' ' => "%20", '&' => "&amp;", _ => c.ToString() });
        }
        return b.ToString();
    }
}
