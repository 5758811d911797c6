// TEMPORARY stand-ins for the preview API being written on branch `preview`; deleted at merge.
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack.Preview
{
    internal sealed record PreviewItem(string Playbook, string Case, string Channel, JsonObject Message, string? Note);

    internal static class HtmlPreview
    {
        public static string Render(IReadOnlyList<PreviewItem> items, string title) => title + items.Count;
    }

    internal static class MarkdownSummary
    {
        public static string Render(IReadOnlyList<PreviewItem> items) => items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static class TerminalPreview
    {
        public static string Render(JsonObject message) => message.ToJsonString();
    }

    internal static class BlockKitBuilderLink
    {
        public static string For(JsonObject message) => message.ToJsonString();
    }
}
