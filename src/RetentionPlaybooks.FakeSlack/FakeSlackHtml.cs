using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>GET / in standalone mode: the posted messages, newest first, as a plain HTML page that refreshes itself; with
/// an app to click (<see cref="FakeSlackOptions.InteractivityUrl"/>), each message's buttons and menus as forms that send
/// the click, and the app's replies to response_url.</summary>
internal static class FakeSlackHtml
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Render(IReadOnlyList<FakeSlackMessage> messages) => Render(messages, [], clickable: false, clicked: null);

    public static string Render(IReadOnlyList<FakeSlackMessage> messages, IReadOnlyList<(string Url, JsonObject Body)> responses, bool clickable, string? clicked)
    {
        var html = new StringBuilder();
        // No refresh while clicking: a menu would close under the user's hand.
        var refresh = clickable ? "" : """<meta http-equiv="refresh" content="3">""";
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html><head><meta charset="utf-8">{refresh}<title>Fake Slack</title>
            <style>body{"{"}font-family:system-ui,sans-serif;margin:2em{"}"}table{"{"}border-collapse:collapse;width:100%{"}"}
            td,th{"{"}border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top{"}"}
            .text{"{"}white-space:pre-wrap{"}"}pre{"{"}font-size:.8em;background:#f6f6f6;padding:.5em{"}"}form{"{"}display:inline;margin-right:.4em{"}"}</style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Fake Slack</h1><p>{messages.Count} message(s) posted. API base: <code>/api/</code></p>");
        if (clicked is { Length: > 0 }) html.Append(CultureInfo.InvariantCulture, $"<p class=\"clicked\">Last click: the app answered <code>{Enc(clicked)}</code></p>");
        if (clickable) html.Append("<p>Clicking as <code>U0CLICKER</code>; the page does not refresh itself while you click.</p>");
        html.Append("<table><tr><th>posted</th><th>channel</th><th>ts</th><th>text</th><th>body</th></tr>");
        foreach (var m in messages.Reverse())
        {
            var edited = m.EditedAt is { } e ? $"<br>edited {e:HH:mm:ss}" : "";
            var controls = clickable ? Controls(m) : "";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{m.PostedAt:yyyy-MM-dd HH:mm:ss}{edited}</td><td>{Enc(m.Channel)}</td><td>{Enc(m.Ts)}</td>
                <td class="text">{Enc(m.Text ?? "")}{controls}</td>
                <td><details><summary>{m.Blocks?.Count ?? 0} blocks</summary><pre>{Enc(m.Body.ToJsonString(Pretty))}</pre></details></td></tr>
                """);
        }
        html.Append("</table>");
        if (responses.Count > 0)
        {
            html.Append("<h2>Replies to response_url (only the clicker sees these in Slack)</h2><ul class=\"responses\">");
            foreach (var (_, body) in responses.Reverse()) html.Append(CultureInfo.InvariantCulture, $"<li>{Enc(Text(body["text"]) ?? body.ToJsonString())}</li>");
            html.Append("</ul>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>The message's buttons and static menus, each a form posting to /click.</summary>
    private static string Controls(FakeSlackMessage message)
    {
        var html = new StringBuilder();
        foreach (var block in message.Blocks ?? [])
        {
            if (Text(block?["type"]) != "actions" || block!["elements"] is not JsonArray elements) continue;
            foreach (var element in elements)
            {
                var actionId = Text(element?["action_id"]);
                if (actionId is null) continue;
                var hidden = $"""<input type="hidden" name="channel" value="{Enc(message.Channel)}"><input type="hidden" name="ts" value="{Enc(message.Ts)}"><input type="hidden" name="action_id" value="{Enc(actionId)}">""";
                switch (Text(element!["type"]))
                {
                    case "button" when Text(element["value"]) is { } value:
                        html.Append(CultureInfo.InvariantCulture, $"""<form method="post" action="/click">{hidden}<input type="hidden" name="value" value="{Enc(value)}"><button type="submit">{Enc(Text(element["text"]?["text"]) ?? actionId)}</button></form>""");
                        break;
                    case "static_select" when element["options"] is JsonArray options:
                        html.Append(CultureInfo.InvariantCulture, $"""<form method="post" action="/click">{hidden}<input type="hidden" name="select" value="true"><select name="value">""");
                        foreach (var option in options)
                        {
                            if (Text(option?["value"]) is { } value) html.Append(CultureInfo.InvariantCulture, $"""<option value="{Enc(value)}">{Enc(Text(option!["text"]?["text"]) ?? value)}</option>""");
                        }
                        html.Append(CultureInfo.InvariantCulture, $"""</select><button type="submit">{Enc(Text(element["placeholder"]?["text"]) ?? actionId)}</button></form>""");
                        break;
                }
            }
        }
        return html.Length == 0 ? "" : "<div class=\"controls\">" + html + "</div>";
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
