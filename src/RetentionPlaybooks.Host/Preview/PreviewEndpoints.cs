using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Health;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Host.Preview;

/// <summary>GET /preview: the messages the preview sink received, drawn the way Slack shows them.</summary>
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
            return Results.Content(HtmlPreview.Render(items, title), "text/html; charset=utf-8");
        }).ForOperators();
        return app;
    }
}
