using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace RetentionPlaybooks.Host.Interactivity;

/// <summary>What someone did on an escalation's message.</summary>
internal enum CaseAction
{
    Acknowledge,
    Saved,
    Lost,
}

/// <summary>One click on one of our buttons (or a reason chosen in the Lost select), as Slack reported it; no customer data.</summary>
/// <param name="EscalationId">The opaque escalation id the button's value carries.</param>
/// <param name="Reason">For Lost: the reason chosen, one of the playbook's declared keys.</param>
/// <param name="ActionTs">Slack's time of the click: with the user and action, what makes a Slack retry recognisable.</param>
/// <param name="ResponseUrl">Where to tell the person who clicked something only they see (Slack's hooks), when it is one.</param>
internal sealed record BlockAction(string TeamId, string UserId, CaseAction Action, string EscalationId, string? Reason, string ActionTs, string? ResponseUrl);

/// <summary>
/// Reads Slack's interactivity request: a form with one <c>payload</c> field holding JSON. Only <c>block_actions</c> on
/// our own action ids (<c>rp_acknowledge</c>, <c>rp_saved</c>, <c>rp_lost</c>, and a digest line's <c>rp_case_menu</c>) become actions; other interactions and
/// other apps' elements are ignored. A payload that is not what Slack sends is refused with the reason.
/// </summary>
internal static class BlockActionReader
{
    public const string AcknowledgeId = Slack.MessageRenderer.CaseAcknowledgeId;
    public const string SavedId = Slack.MessageRenderer.CaseSavedId;
    public const string LostId = Slack.MessageRenderer.CaseLostId;
    public const string CaseMenuId = Slack.DigestMessage.CaseMenuId;

    /// <summary>Escalation ids are ULIDs; anything longer in a button value is not ours.</summary>
    private const int MaxIdLength = 64;

    /// <summary>A reason key as a playbook declares it.</summary>
    private const int MaxReasonLength = 40;

    /// <summary>Reads the form. <paramref name="team"/> is set whenever the payload names one, even when nothing else is usable.</summary>
    public static bool TryRead(byte[] body, Func<string, bool> responseUrlAllowed, out string? team, out IReadOnlyList<BlockAction> actions, out string? error)
    {
        team = null;
        actions = [];
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "the body is not valid UTF-8";
            return false;
        }
        var form = QueryHelpers.ParseNullableQuery(Encoding.UTF8.GetString(body));
        if (form is null || !form.TryGetValue("payload", out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            error = "the form has no single \"payload\" field";
            return false;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(values[0]!, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            error = "\"payload\" is not JSON";
            return false;
        }
        using (doc)
        {
            try
            {
                return Read(doc.RootElement, responseUrlAllowed, ref team, out actions, out error);
            }
            catch (InvalidOperationException)
            {
                // A string with an unpaired surrogate escape (\ud800): not something Slack sends.
                error = "\"payload\" holds text that is not valid Unicode";
                actions = [];
                return false;
            }
        }
    }

    private static bool Read(JsonElement root, Func<string, bool> responseUrlAllowed, ref string? team, out IReadOnlyList<BlockAction> actions, out string? error)
    {
        actions = [];
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "\"payload\" is not a JSON object";
            return false;
        }
        // Plain variables rather than patterns in the conditions below: mutation testing can then change each condition alone.
        team = Text(root, "team", "id");
        var type = Text(root, "type");
        if (type is null)
        {
            error = "\"payload\" has no \"type\"";
            return false;
        }
        // Shortcuts, view submissions and the like are not ours to handle: accepted and ignored.
        if (type != "block_actions") return true;
        if (team is null)
        {
            error = "the payload has no team.id";
            return false;
        }
        var user = Text(root, "user", "id") ?? "";
        if (user.Length == 0)
        {
            error = "the payload has no user.id";
            return false;
        }
        if (user.Length > 32 || !user.All(char.IsAsciiLetterOrDigit))
        {
            // It becomes a <@mention> in the message: letters and digits only, as Slack's ids are.
            error = "the payload's user.id is not a Slack user id";
            return false;
        }
        if (!root.TryGetProperty("actions", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            error = "the payload has no \"actions\" array";
            return false;
        }
        var url = Text(root, "response_url");
        var responseUrl = url is not null && responseUrlAllowed(url) ? url : null;
        var read = new List<BlockAction>();
        foreach (var element in list.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                error = "an entry of \"actions\" is not an object";
                return false;
            }
            var id = Text(element, "action_id");
            var menu = id == CaseMenuId;
            // A digest line's menu carries "ack|<id>", "saved|<id>" or "lost|<id>|<reason>" in the chosen option.
            var chosen = menu ? Text(element, "selected_option", "value") ?? "" : null;
            var verb = chosen is null ? "" : chosen[..Math.Max(0, chosen.IndexOf('|', StringComparison.Ordinal))];
            var kind = menu
                ? verb switch
                {
                    "ack" => CaseAction.Acknowledge,
                    "saved" => CaseAction.Saved,
                    "lost" => CaseAction.Lost,
                    _ => (CaseAction?)null,
                }
                : id switch
                {
                    AcknowledgeId => CaseAction.Acknowledge,
                    SavedId => CaseAction.Saved,
                    LostId => CaseAction.Lost,
                    _ => (CaseAction?)null,
                };
            if (menu && kind is null)
            {
                error = $"the {id} action's option is not one of ours";
                return false;
            }
            // Another app's element: not an error.
            if (kind is null) continue;
            var action = kind.Value;
            var at = Text(element, "action_ts") ?? "";
            if (at.Length == 0)
            {
                error = $"the {id} action has no action_ts";
                return false;
            }
            // A button carries the escalation id; the Lost select carries "<escalation id>|<reason>" in the chosen option.
            var value = menu ? chosen![(verb.Length + 1)..]
                : action == CaseAction.Lost ? Text(element, "selected_option", "value") ?? Text(element, "value") : Text(element, "value");
            string? reason = null;
            var bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
            if (action == CaseAction.Lost && bar >= 0)
            {
                reason = value![(bar + 1)..];
                value = value[..bar];
                if (!IsKey(reason, MaxReasonLength))
                {
                    error = $"the {id} action's reason is not a reason key";
                    return false;
                }
            }
            if (!IsKey(value, MaxIdLength))
            {
                error = $"the {id} action's value is not an escalation id";
                return false;
            }
            read.Add(new BlockAction(team, user, action, value!, reason, at, responseUrl));
        }
        actions = read;
        return true;
    }

    private static bool IsKey(string? value, int max)
    {
        if (value is not { Length: > 0 } || value.Length > max) return false;
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return false;
        }
        return true;
    }

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
