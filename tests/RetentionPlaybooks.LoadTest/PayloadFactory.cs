using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.LoadTest;

/// <summary>
/// Journey webhook bodies built from playbooks/samples: most are changed so that a gate fails (a small cart, an
/// order one day late, a new subscriber, a clean winback customer), one in <c>escalateEvery</c> is the sample as
/// written (it escalates). Every body gets a unique delivery_id; customers come from a pool, as in real traffic.
/// </summary>
internal sealed class PayloadFactory
{
    private const string DeliveryToken = "@@DELIVERY@@";
    private const string CustomerToken = "@@CUSTOMER@@";
    private const int CustomerPool = 5000;

    private readonly string[] _quiet;
    private readonly string[] _escalating;
    private readonly int _escalateEvery;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;

    public PayloadFactory(string samplesDirectory, int escalateEvery)
    {
        _escalateEvery = escalateEvery;
        var samples = Directory.GetFiles(samplesDirectory, "*.json").Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => JsonNode.Parse(File.ReadAllText(f))!.AsObject());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var quiet = new List<string>();
        var escalating = new List<string>();
        foreach (var (name, sample) in samples)
        {
            escalating.Add(Template(sample.DeepClone().AsObject(), now, uniqueKeys: true));
            if (Quiet(name, sample.DeepClone().AsObject()) is { } q) quiet.Add(Template(q, now, uniqueKeys: false));
        }
        if (quiet.Count == 0) throw new InvalidOperationException($"no known samples in {samplesDirectory}");
        _quiet = [.. quiet];
        _escalating = [.. escalating];
    }

    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>The next body, UTF-8, with a delivery id never used before.</summary>
    public byte[] Next()
    {
        var n = Interlocked.Increment(ref _sequence);
        var deliveryId = string.Create(CultureInfo.InvariantCulture, $"lt-{_run}-{n:D9}");
        string template;
        string customer;
        if (_escalateEvery > 0 && n % _escalateEvery == 0)
        {
            template = _escalating[(int)(n / _escalateEvery % _escalating.Length)];
            customer = string.Create(CultureInfo.InvariantCulture, $"lt_vip_{_run}_{n}");
        }
        else
        {
            template = _quiet[(int)(n % _quiet.Length)];
            customer = string.Create(CultureInfo.InvariantCulture, $"lt_cus_{n % CustomerPool}");
        }
        return Encoding.UTF8.GetBytes(template.Replace(DeliveryToken, deliveryId, StringComparison.Ordinal).Replace(CustomerToken, customer, StringComparison.Ordinal));
    }

    private static string Template(JsonObject body, long now, bool uniqueKeys)
    {
        body["delivery_id"] = DeliveryToken;
        body["timestamp"] = now;
        if (body["customer"] is JsonObject customer) customer["id"] = CustomerToken;
        if (uniqueKeys && body["event"]?["data"] is JsonObject data)
        {
            // Fresh dedupe keys, so the escalating ones are not all suppressed as duplicates of the first.
            foreach (var key in new[] { "checkout_id", "order_id", "subscription_id" })
            {
                if (data.ContainsKey(key)) data[key] = CustomerToken;
            }
        }
        return body.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>The sample changed so that one gate fails; null for a sample this factory does not know.</summary>
    private static JsonObject? Quiet(string name, JsonObject body)
    {
        var customer = body["customer"] as JsonObject;
        var data = body["event"]?["data"] as JsonObject;
        switch (name)
        {
            case "vip-cart-abandoned" when data is not null:
                data["cart_value"] = 38.5;
                data["items"] = new JsonArray(new JsonObject { ["sku"] = "FLT-100", ["name"] = "Paper filters", ["price"] = 38.5, ["quantity"] = 1 });
                return body;
            case "delivery-delayed" when data is not null && customer is not null:
                data["days_late"] = 1;
                customer["late_delivery_count"] = 0;
                customer["wismo_count_30d"] = 0;
                return body;
            case "subscription-cancel-requested" when data is not null && customer is not null:
                data["months_active"] = 1;
                data["mrr"] = 18;
                customer["ltv"] = 54;
                return body;
            case "winback-segment-entered" when customer is not null:
                customer["open_support_case"] = false;
                customer.Remove("support_case_id");
                customer.Remove("last_refund_at");
                return body;
            default:
                return null;
        }
    }
}
