using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Host.Preview;

/// <summary>GET /preview: the messages the preview sink received, drawn the way Slack shows them; and, without Track API
/// credentials, the write-back to Customer.io the host would have made (what, not whom: no customer id).</summary>
internal static class PreviewEndpoints
{
    public static IEndpointRouteBuilder MapPreview(this IEndpointRouteBuilder app)
    {
        app.MapGet("/preview", (PreviewSender preview, IDeliverySender sender) =>
        {
            var items = preview.Messages.Reverse()
                .Select(m => new PreviewItem(m.Playbook, $"escalation {m.EscalationId}", m.Channel, m.Model, null))
                .ToList();
            var title = sender.Name == "preview"
                ? $"RetentionPlaybooks preview — {items.Count} message(s), newest first"
                : "RetentionPlaybooks — messages go to Slack (a bot token is set); this page stays empty";
            var writeBacks = preview.WriteBacks;
            return Results.Content(HtmlPreview.Render(items, title, writeBacks.Count > 0 ? WriteBackSection(writeBacks) : null), "text/html; charset=utf-8");
        }).ForOperators();
        return app;
    }

    /// <summary>The Track API calls kept by the preview sink, newest first: the method, and the event's name or the
    /// attributes' keys with their values — the host's own words and times, never the path (it holds the customer's id).</summary>
    private static string WriteBackSection(IReadOnlyList<System.Text.Json.Nodes.JsonObject> calls)
    {
        var html = new System.Text.StringBuilder();
        html.Append("<section id=\"write-back\"><h2>Customer.io write-back (no Track API credentials set: not sent)</h2><table><tr><th>call</th><th>what</th></tr>");
        foreach (var call in calls.Reverse())
        {
            var body = call["body"] as System.Text.Json.Nodes.JsonObject;
            var what = body?["name"]?.GetValue<string>() is { } name
                ? $"event {name}"
                : "attributes " + string.Join(", ", body?.Where(p => !p.Key.StartsWith('_')).Select(p => $"{p.Key} = {p.Value?.ToJsonString()}") ?? []);
            html.Append("<tr><td>").Append(System.Net.WebUtility.HtmlEncode(call["method"]?.GetValue<string>() ?? "?")).Append("</td><td>")
                .Append(System.Net.WebUtility.HtmlEncode(what)).Append("</td></tr>");
        }
        return html.Append("</table></section>").ToString();
    }
}
