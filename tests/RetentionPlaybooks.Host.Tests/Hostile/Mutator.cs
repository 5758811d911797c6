using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>One mutation: what to do and three selectors that pick where and with what (taken modulo the choices).</summary>
internal sealed record Mutation(MutationKind Kind, int A, int B, int C)
{
    public override string ToString() => $"{Kind}({A},{B},{C})";
}

internal enum MutationKind
{
    ReplaceValue,
    WrongType,
    DeleteKey,
    AddKey,
    DuplicateKey,
    DeepNest,
    HostileField,
    RawString,
    BigString,
    InvalidUtf8,
    Truncate,
    RandomByte,
    Batchify,
    OtherEndpoint,
    ContentType,
}

/// <summary>A fuzz input: a seed body and the mutations applied to it in order.</summary>
internal sealed record FuzzCase(int Seed, Mutation[] Mutations)
{
    public override string ToString() => $"seed {FuzzBodies.SeedNames[Seed % FuzzBodies.SeedNames.Length]} + [{string.Join(", ", Mutations.Select(m => m.ToString()))}]";
}

/// <summary>A built request: where it goes, the exact bytes, the content type, and how it was made.</summary>
internal sealed record FuzzRequest(Endpoint Endpoint, byte[] Body, string ContentType, string Description)
{
    public string Preview(int max = 400)
    {
        var text = Encoding.UTF8.GetString(Body);
        return text.Length <= max ? text : text[..max] + $"… ({Body.Length} bytes)";
    }
}

/// <summary>
/// Seeds (the shipped Journey samples, valid reporting and Data Pipelines bodies) and mutations: extreme numbers,
/// wrong types, deleted, added and duplicated keys, deep nesting, hostile and broken Unicode, invalid UTF-8,
/// truncation, random bytes. Deterministic for a case and a uniqueness token, so CsCheck can replay and shrink.
/// </summary>
internal static class FuzzBodies
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly string[] SeedNames =
    [
        "journey:vip-cart", "journey:delivery-delayed", "journey:subscription-cancel", "journey:winback-segment",
        "reporting:email-bounced", "reporting:customer-unsubscribed", "pipelines:track", "pipelines:identify", "pipelines:batch",
        "pipelines:identify-watched", "journey:attribute-change",
    ];

    /// <summary>Personal data in the seeds that no playbook shows: a rendered message containing any of it leaks PII.</summary>
    public static readonly string[] NeverShown = ["maria@example.com", "555 0134", "aiko@example.com"];

    private static readonly string[] Statuses = ["active", "paused", "cancel_pending", "active", "paused", "cancelled"];

    /// <summary>Numbers and values at and beyond every range the pipeline converts to (raw JSON text).</summary>
    public static readonly string[] Extremes =
    [
        "1e300", "-1e300", "1e-300", "99999999999999999999", "-99999999999999999999", "-0", "0", "-0.0", "1.7976931348623157e308",
        "-1.7976931348623157e308", "5e-324", "1e400", "-1e400", "1e-400", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "1764337320000000", "1764337320000", "-1e15", "1e15", "253402300799", "253402300800", "-62135596800", "-62135596801", "100000000000",
        "100000000001", "-10000000000000", "123456789012345678901234567890.123456789", "0.1", "1E+2", "2147483648", "-2147483649",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e400\"", "\"-1e400\"", "\"1e300\"", "\"99999999999999999999\"", "\"0x10\"", "\"1,5\"",
        "\"\"", "\" \"", "\"\\t\"", "null", "true", "false", "[]", "{}", "[1,2,3]", "[null]", "{\"a\":{}}", "\"true\"", "\"1\"", "\"0\"",
        "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "\"10000-01-01T00:00:00Z\"", "\"2026-13-45T25:61:61Z\"", "\"2026-11-28\"",
        "\"2026-11-28T13:42:00+14:00\"", "\"2026-11-28T13:42:00-14:00\"", "\"9999-12-31T23:59:59-14:00\"", "\"0001-01-01T00:00:00+14:00\"",
        "\"+275760-09-13T00:00:00Z\"", "\"2026-11-28T13:42:00.99999999999Z\"", "\"1795870800\"", "\"1795870800000\"", "\"Sat, 28 Nov 2026 13:42:00 GMT\"",
        "\"1899-12-31T23:59:59Z\"", "\"2200-01-01T00:00:01Z\"", "4102444800", "4102444801", "-2208988801", "1e15", "1000000000000001", "-1e15", "\"30d\"", "\"-30d\"", "\"99999999d\"", "\"P1D\"",
        "\"<!channel>\"", "\"<https://evil.example|Refund>\"", "\"\\ud800\"", "\"\\u0000\"",
    ];

    /// <summary>Customer-controlled strings that must never reach Slack as mrkdwn control sequences.</summary>
    public static readonly string[] Hostile =
    [
        "<!channel>", "<!here>", "<!everyone>", "<!channel|channel>", "<https://evil.example|Refund>", "<http://evil|x>", "<mailto:a@evil.example|support>",
        "<@U123>", "<@U07RETLEAD>", "<#C07VIPSAVES|vip-saves>", "<!subteam^S123|team>", "<!date^1392734382^{date}|x>", "&lt;!channel&gt;", "<<!channel>>",
        "<!chan\u200bnel>", "*bold* _it_ ~s~ `code` ```block```", "{{ customer.email }}", "{% raw %}{{ x }}", "{{", "}}", "{%", "\u202e<!channel>", "\u200f<!here>",
        "👩‍👩‍👧‍👦🇺🇦", "\u0000", "a\r\nb\u2028c\u2029", "\ufeff\ufffe\uffff", new string('<', 3000), new string('&', 3000),
        "javascript:alert(1)", "https://evil.example/<!channel>", "https://fly.customer.io.evil.example/", " ", "", "null", "Maria <!channel>", ">",
        "\\", "\"", "'", "|", "<", "<https://evil.example>", "<tel:+14155550134|call>", "ｈｔｔｐｓ://evil", "\u0085\u00a0", "%3C!channel%3E",
        string.Concat(Enumerable.Repeat("😀", 1600)), "A" + string.Concat(Enumerable.Repeat("👩‍👩‍👧‍👦", 40)), string.Concat(Enumerable.Repeat("e\u0301", 2000)),
        string.Concat(Enumerable.Repeat("&lt;", 800)), string.Concat(Enumerable.Repeat("<!channel>", 400)),
    ];

    /// <summary>Fields the playbooks read or show (customer data), by path; missing segments are created.</summary>
    public static readonly string[] Fields =
    [
        "customer.first_name", "customer.last_name", "customer.vip_tier", "customer.cio_id", "customer.shop_customer_id", "customer.email",
        "customer.support_case_id", "customer.id", "customer.subscription_status", "customer.tags", "event.name", "event.data.checkout_id",
        "event.data.items.0.name", "event.data.items.0.sku", "event.data.carrier", "event.data.order_number", "event.data.order_id",
        "event.data.plan", "event.data.reason", "event.data.comment", "event.data.subscription_id", "event.data.cart_url", "event.data.tracking_url",
        "event.data.currency", "segment.name", "segment", "delivery_id", "traits.first_name", "context.traits.first_name", "properties.checkout_id",
        "properties.items.0.name", "data.identifiers.id", "data.identifiers.email", "object_type", "metric", "event", "userId", "anonymousId",
    ];

    /// <summary>Values read as numbers, money and timestamps, by path, for the extreme numbers.</summary>
    public static readonly string[] NumericFields =
    [
        "timestamp", "customer.ltv", "customer.order_count", "customer.last_refund_at", "customer.created_at", "customer.last_order_at",
        "customer.late_delivery_count", "customer.wismo_count_30d", "customer.subscription_mrr", "customer.retention_hold_until",
        "event.data.cart_value", "event.data.items.0.price", "event.data.items.0.quantity", "event.data.new_eta", "event.data.promised_at",
        "event.data.days_late", "event.data.order_value", "event.data.mrr", "event.data.months_active", "properties.cart_value",
        "context.traits.ltv", "traits.ltv", "customer.vip", "customer.open_support_case", "customer.fraud_flag", "customer.unsubscribed",
    ];

    public static readonly string[] Keys =
    [
        "delivery_id", "timestamp", "customer", "event", "segment", "change", "batch", "type", "messageId", "message_id", "userId", "event_id",
        "metric", "object_type", "data", "identifiers", "traits", "properties", "context", "name", "first_name", "last_refund_at", "new_eta",
        "cart_value", "items", "attribute", "from", "to", "__proto__", "constructor", "", " ", "\u0000", "\ufffd", "delivery_id ", "Delivery_Id",
    ];

    /// <summary>JSON string literals as raw text: escapes System.Text.Json accepts at parse time but may refuse when read.</summary>
    public static readonly string[] RawStrings =
    [
        "\"\\ud800\"", "\"x\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\\ud83d\"", "\"\\u0000\"", "\"\\u202e<!channel>\"", "\"\\ud800\\ud800\"",
        "\"\\\"\"", "\"\\/\"", "\"\\uFFFF\"", "\"\\uFEFF\"", "\"\\u003c!channel\\u003e\"", "\"\\u003chttps://evil.example|x\\u003e\"", "\"\\b\\f\\n\\r\\t\"",
    ];

    public static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3], [0xEF, 0xBB, 0xBF], [0x00],
    ];

    public static readonly int[] Depths = [1, 2, 10, 30, 58, 60, 61, 62, 63, 64, 65, 100, 1000, 10_000];

    public static readonly int[] Sizes = [1_000, 3_001, 30_000, 60_000, 100_000];

    public static readonly string[] BigChars = ["x", "é", "😀", "<", "&", "\u0000", " ", "\\", "\u200b"];

    public static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8", "application/json; charset=utf-16",
        "application/json; charset=iso-8859-1", "application/vnd.api+json", "text/plain", "application/x-www-form-urlencoded",
        "application/json; charset=", "application/json; foo=bar", "application/json;;", "APPLICATION/JSON",
    ];

    /// <summary>CsCheck generator: a seed and zero to four mutations (shrinks towards fewer, simpler ones).</summary>
    public static readonly Gen<FuzzCase> Cases =
        Gen.Select(
            Gen.Int[0, SeedNames.Length - 1],
            Gen.Select(Gen.Enum<MutationKind>(), Gen.Int[0, 100_000], Gen.Int[0, 100_000], Gen.Int[0, 100_000], (k, a, b, c) => new Mutation(k, a, b, c)).Array[0, 4],
            (seed, mutations) => new FuzzCase(seed, mutations));

    /// <summary>The seed body with ids made unique by <paramref name="uniq"/> (so inputs are not redeliveries of each other).</summary>
    public static (Endpoint Endpoint, JsonNode Body) Seed(int seed, string uniq)
    {
        switch (seed % SeedNames.Length)
        {
            case 0:
            {
                var j = Seeds.VipCart("f" + uniq);
                j["customer"]!["phone"] = "+1 415 555 0134";
                return (Endpoint.Journey, j);
            }
            case 1:
            {
                var j = Seeds.DeliveryDelayed("f" + uniq);
                j["customer"]!["email"] = "aiko@example.com";
                return (Endpoint.Journey, j);
            }
            case 2:
            {
                var j = Seeds.Sample("subscription-cancel-requested.json");
                j["delivery_id"] = "f" + uniq;
                j["customer"]!["id"] = "cus_f" + uniq;
                j["event"]!["data"]!["subscription_id"] = "sub_f" + uniq;
                return (Endpoint.Journey, j);
            }
            case 3:
            {
                var j = Seeds.Sample("winback-segment-entered.json");
                j["delivery_id"] = "f" + uniq;
                j["customer"]!["id"] = "cus_f" + uniq;
                j["customer"]!["open_support_case"] = false;
                return (Endpoint.Journey, j);
            }
            case 4: return (Endpoint.Reporting, Seeds.Reporting("01HF" + uniq));
            case 5:
            {
                var r = Seeds.Reporting("01HF" + uniq);
                r["object_type"] = "customer";
                r["metric"] = "unsubscribed";
                return (Endpoint.Reporting, r);
            }
            case 6: return (Endpoint.Pipelines, Seeds.Track("mf" + uniq));
            case 7: return (Endpoint.Pipelines, Seeds.Identify("mf" + uniq));
            case 9:
            {
                // A few customers whose watched attribute (subscription_status) changes from input to input.
                var h = (uint)uniq.GetHashCode(StringComparison.Ordinal);
                return (Endpoint.Pipelines, new JsonObject
                {
                    ["type"] = "identify",
                    ["messageId"] = "mw" + uniq,
                    ["userId"] = "cus_watch" + (h % 3),
                    ["timestamp"] = "2026-11-28T13:40:00Z",
                    ["traits"] = new JsonObject { ["subscription_status"] = Statuses[h / 3 % (uint)Statuses.Length], ["ltv"] = 420, ["first_name"] = "Ana", ["email"] = "maria@example.com", ["cio_id"] = "a3f00077" },
                });
            }
            case 10:
                return (Endpoint.Journey, new JsonObject
                {
                    ["delivery_id"] = "fc" + uniq,
                    ["timestamp"] = 1795870800,
                    ["customer"] = new JsonObject { ["id"] = "cus_fc" + uniq, ["first_name"] = "Ana", ["ltv"] = 420, ["subscription_status"] = "paused", ["email"] = "maria@example.com", ["cio_id"] = "a3f00078" },
                    ["change"] = new JsonObject { ["attribute"] = "subscription_status", ["from"] = "active", ["to"] = "paused" },
                });
            default:
            {
                var page = new JsonObject { ["type"] = "page", ["messageId"] = "mfp" + uniq, ["anonymousId"] = "anon-" + uniq, ["name"] = "Cart" };
                return (Endpoint.Pipelines, new JsonObject { ["batch"] = new JsonArray(Seeds.Track("mft" + uniq), Seeds.Identify("mfi" + uniq), page) });
            }
        }
    }

    public static FuzzRequest Build(FuzzCase c, string uniq)
    {
        var (endpoint, body) = Seed(c.Seed, uniq);
        var contentType = "application/json";
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var byteOps = new List<Mutation>();
        var marker = 0;
        string Mark(string rawText)
        {
            var key = $"@@RAW{marker++}@@";
            raw[key] = rawText;
            return key;
        }
        foreach (var m in c.Mutations)
        {
            switch (m.Kind)
            {
                case MutationKind.InvalidUtf8 or MutationKind.Truncate or MutationKind.RandomByte:
                    byteOps.Add(m);
                    break;
                case MutationKind.OtherEndpoint:
                    endpoint = (Endpoint)(m.A % 3);
                    break;
                case MutationKind.ContentType:
                    contentType = ContentTypes[m.A % ContentTypes.Length];
                    break;
                case MutationKind.Batchify:
                    body = (m.A % 3) switch
                    {
                        0 => new JsonObject { ["batch"] = new JsonArray(body, JsonNode.Parse(body.ToJsonString())) },
                        1 => new JsonArray(body),
                        _ => new JsonObject { ["batch"] = new JsonArray(Enumerable.Range(0, 1 + m.B % 5).Select(i => (JsonNode?)Retag(JsonNode.Parse(body.ToJsonString())!, uniq + "b" + i)).ToArray()) },
                    };
                    break;
                case MutationKind.HostileField:
                    if (m.C % 2 == 0) body = SetPath(body, Fields[m.A % Fields.Length], JsonValue.Create(Hostile[m.B % Hostile.Length]));
                    else body = SetPath(body, NumericFields[m.A % NumericFields.Length], JsonValue.Create(Mark(Extremes[m.B % Extremes.Length])));
                    break;
                default:
                    body = MutateTree(body, m, Mark);
                    break;
            }
        }
        var text = body.ToJsonString(Relaxed);
        foreach (var (key, value) in raw) text = text.Replace("\"" + key + "\"", value, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var m in byteOps) bytes = MutateBytes(bytes, m);
        return new FuzzRequest(endpoint, bytes, contentType, c.ToString());
    }

    /// <summary>A copy of an event with its ids changed (for batches of distinct events).</summary>
    private static JsonNode Retag(JsonNode node, string uniq)
    {
        if (node is JsonObject o)
        {
            foreach (var key in new[] { "messageId", "message_id", "delivery_id", "event_id" })
            {
                if (o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String) o[key] = v.GetValue<string>() + "-" + uniq;
            }
        }
        return node;
    }

    private sealed record Slot(JsonNode? Node, JsonNode? Parent, string? Key, int Index);

    private static List<Slot> Slots(JsonNode root)
    {
        var list = new List<Slot> { new(root, null, null, -1) };
        for (var i = 0; i < list.Count && list.Count < 5_000; i++)
        {
            switch (list[i].Node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o) list.Add(new Slot(v, o, k, -1));
                    break;
                case JsonArray a:
                    for (var j = 0; j < a.Count; j++) list.Add(new Slot(a[j], a, null, j));
                    break;
            }
        }
        return list;
    }

    private static JsonNode Replace(JsonNode root, Slot slot, JsonNode? value)
    {
        switch (slot.Parent)
        {
            case null:
                return value ?? JsonValue.Create("null-root")!;
            case JsonObject o:
                o[slot.Key!] = value;
                return root;
            case JsonArray a:
                a[slot.Index] = value;
                return root;
            default:
                return root;
        }
    }

    private static JsonNode MutateTree(JsonNode root, Mutation m, Func<string, string> mark)
    {
        var slots = Slots(root);
        var slot = slots[m.A % slots.Count];
        switch (m.Kind)
        {
            case MutationKind.ReplaceValue:
                return Replace(root, slot, JsonValue.Create(mark(Extremes[m.B % Extremes.Length])));
            case MutationKind.WrongType:
                JsonNode? wrong = slot.Node switch
                {
                    JsonObject o => m.B % 2 == 0 ? new JsonArray(o.Select(p => p.Value is null ? null : JsonNode.Parse(p.Value.ToJsonString())).ToArray()) : JsonValue.Create(o.ToJsonString()),
                    JsonArray a => m.B % 2 == 0 ? new JsonObject(a.Select((v, i) => KeyValuePair.Create(i.ToString(CultureInfo.InvariantCulture), v is null ? null : JsonNode.Parse(v.ToJsonString())))) : JsonValue.Create(a.Count),
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => (m.B % 3) switch { 0 => JsonValue.Create(42), 1 => new JsonObject { ["value"] = v.GetValue<string>() }, _ => new JsonArray(JsonValue.Create(v.GetValue<string>())) },
                    JsonValue v when v.GetValueKind() == JsonValueKind.Number => m.B % 2 == 0 ? JsonValue.Create(v.ToJsonString()) : new JsonArray(JsonNode.Parse(v.ToJsonString())),
                    JsonValue v => JsonValue.Create(v.ToJsonString()),
                    _ => new JsonObject(),
                };
                return Replace(root, slot, wrong);
            case MutationKind.DeleteKey:
                if (slot.Parent is JsonObject po) po.Remove(slot.Key!);
                else if (slot.Parent is JsonArray pa) pa.RemoveAt(slot.Index);
                return root;
            case MutationKind.AddKey:
            {
                var objects = slots.Where(s => s.Node is JsonObject).ToList();
                if (objects.Count == 0) return root;
                var target = (JsonObject)objects[m.A % objects.Count].Node!;
                target[Keys[m.B % Keys.Length]] = JsonValue.Create(mark(Extremes[m.C % Extremes.Length]));
                return root;
            }
            case MutationKind.DuplicateKey:
            {
                var objects = slots.Where(s => s.Node is JsonObject { Count: > 0 }).ToList();
                if (objects.Count == 0) return root;
                var target = (JsonObject)objects[m.A % objects.Count].Node!;
                var (key, value) = target.ElementAt(m.B % target.Count);
                // JsonObject refuses a key twice: a unique placeholder key, renamed in the text afterwards.
                var copy = m.C % 2 == 0 ? (value is null ? null : JsonNode.Parse(value.ToJsonString())) : JsonValue.Create(mark(Extremes[m.C % Extremes.Length]));
                var placeholder = mark(JsonSerializer.Serialize(key));
                target[placeholder] = copy;
                return root;
            }
            case MutationKind.DeepNest:
            {
                var depth = Depths[m.B % Depths.Length];
                var inner = slot.Node is null ? "null" : slot.Node.ToJsonString();
                var (open, close) = m.C % 2 == 0 ? ("[", "]") : ("{\"a\":", "}");
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));
                return Replace(root, slot, JsonValue.Create(mark(nested)));
            }
            case MutationKind.RawString:
                return Replace(root, slot, JsonValue.Create(mark(RawStrings[m.B % RawStrings.Length])));
            case MutationKind.BigString:
                return Replace(root, slot, JsonValue.Create(string.Concat(Enumerable.Repeat(BigChars[m.C % BigChars.Length], Sizes[m.B % Sizes.Length] / BigChars[m.C % BigChars.Length].Length))));
            default:
                return root;
        }
    }

    /// <summary>Sets a dotted path (numeric segments index arrays), creating objects on the way.</summary>
    private static JsonNode SetPath(JsonNode root, string path, JsonNode? value)
    {
        if (root is not JsonObject && root is not JsonArray) return root;
        var parts = path.Split('.');
        JsonNode current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var part = parts[i];
            if (current is JsonArray array && int.TryParse(part, CultureInfo.InvariantCulture, out var index))
            {
                while (array.Count <= index) array.Add(new JsonObject());
                if (last)
                {
                    array[index] = value;
                    return root;
                }
                if (array[index] is not (JsonObject or JsonArray)) array[index] = new JsonObject();
                current = array[index]!;
            }
            else if (current is JsonObject obj)
            {
                if (last)
                {
                    obj[part] = value;
                    return root;
                }
                if (obj[part] is not (JsonObject or JsonArray)) obj[part] = new JsonObject();
                current = obj[part]!;
            }
            else
            {
                return root;
            }
        }
        return root;
    }

    private static byte[] MutateBytes(byte[] bytes, Mutation m)
    {
        switch (m.Kind)
        {
            case MutationKind.InvalidUtf8:
            {
                // Usually inside a string (just after a quote), sometimes anywhere.
                var quotes = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == (byte)'"').ToList();
                var at = m.C % 4 != 0 && quotes.Count > 0 ? quotes[m.A % quotes.Count] + 1 : (bytes.Length == 0 ? 0 : m.A % (bytes.Length + 1));
                at = Math.Min(at, bytes.Length);
                return [.. bytes.AsSpan(0, at), .. InvalidUtf8[m.B % InvalidUtf8.Length], .. bytes.AsSpan(at)];
            }
            case MutationKind.Truncate:
                return bytes.Length == 0 ? bytes : bytes[..(m.A % bytes.Length)];
            case MutationKind.RandomByte:
            {
                if (bytes.Length == 0) return bytes;
                var copy = (byte[])bytes.Clone();
                copy[m.A % copy.Length] = (byte)(m.B % 256);
                return copy;
            }
            default:
                return bytes;
        }
    }
}

/// <summary>The safety property for rendered Slack messages: no mrkdwn control sequence came from customer data.</summary>
internal static class MessageSafety
{
    /// <summary>The mentions a playbook itself may put in a message: the owners of workspace.yaml.</summary>
    private static readonly string[] AllowedAngles = ["<@U07RETLEAD>", "<@U07CXLEAD>", "<@U07LIFECYC>"];

    public static IReadOnlyList<string> Violations(JsonNode? message)
    {
        var found = new List<string>();
        Walk(message, null, found);
        return found;
    }

    private static void Walk(JsonNode? node, string? key, List<string> found)
    {
        switch (node)
        {
            case JsonObject o:
                // Slack shows plain_text as typed: no mentions, no links, so customer text is safe there as it is.
                var plain = o["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "plain_text";
                foreach (var (k, v) in o)
                {
                    if (plain && k == "text") continue;
                    Walk(v, k, found);
                }
                break;
            case JsonArray a:
                foreach (var v in a) Walk(v, key, found);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var s = v.GetValue<string>();
                foreach (var pii in FuzzBodies.NeverShown)
                {
                    if (s.Contains(pii, StringComparison.Ordinal)) found.Add($"{key}: personal data \"{pii}\" that no playbook shows");
                }
                if (key is "url")
                {
                    // Schemes are case-insensitive (RFC 3986): "hTtps://" is https.
                    if (!s.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !s.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) found.Add($"url \"{Short(s)}\" is not http(s)");
                    break;
                }
                if (key is "action_id" or "block_id" or "value" or "channel" or "event_type" or "escalation_id" or "playbook") break;
                for (var i = s.IndexOf('<', StringComparison.Ordinal); i >= 0; i = s.IndexOf('<', i + 1))
                {
                    if (!AllowedAngles.Any(ok => string.CompareOrdinal(s, i, ok, 0, ok.Length) == 0) && !OwnFormatting.IsMatch(s.AsSpan(i)))
                    {
                        found.Add($"{key}: unescaped \"{Short(s[i..])}\" in \"{Short(s)}\"");
                        break;
                    }
                }
                break;
        }
    }

    private static string Short(string s) => s.Length <= 80 ? s : s[..80] + "…";

    /// <summary>The host's own formatting in SLA messages, built from no customer data: the reminder's date token and the SLA
    /// escalation's link to the original (its placeholder as stored).</summary>
    private static readonly System.Text.RegularExpressions.Regex OwnFormatting = new(
        @"^(<!date\^[0-9]{1,12}\^\{date_short_pretty\} at \{time\}\|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC>|<\{permalink\}\|Open the case>)",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
