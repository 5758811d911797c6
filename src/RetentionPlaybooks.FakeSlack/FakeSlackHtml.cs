using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>GET / in standalone mode: the posted messages, newest first, as a plain HTML page that refreshes itself.</summary>
internal static class FakeSlackHtml
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Render(IReadOnlyList<FakeSlackMessage> messages)
    {
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Fake Slack</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}
            td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}
            .text{white-space:pre-wrap}pre{font-size:.8em;background:#f6f6f6;padding:.5em}</style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>Fake Slack</h1><p>{messages.Count} message(s) posted. API base: <code>/api/</code></p>");
        html.Append("<table><tr><th>posted</th><th>channel</th><th>ts</th><th>text</th><th>body</th></tr>");
        foreach (var m in messages.Reverse())
        {
            var edited = m.EditedAt is { } e ? $"<br>edited {e:HH:mm:ss}" : "";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{m.PostedAt:yyyy-MM-dd HH:mm:ss}{edited}</td><td>{Enc(m.Channel)}</td><td>{Enc(m.Ts)}</td>
                <td class="text">{Enc(m.Text ?? "")}</td>
                <td><details><summary>{m.Blocks?.Count ?? 0} blocks</summary><pre>{Enc(m.Body.ToJsonString(Pretty))}</pre></details></td></tr>
                """);
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
