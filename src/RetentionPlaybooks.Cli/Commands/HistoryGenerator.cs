using System.Globalization;
using System.Text.Json;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>
/// A plausible month (or any span) of Customer.io Journey webhooks for the shipped data model, to try <c>simulate</c> on:
/// abandoned carts, subscription cancel requests, late deliveries and winback segment entries from a fixed population of
/// customers, at realistic hours and value distributions (log-normal carts and lifetime values, a few VIPs), with two bursts —
/// a flash sale (five times the carts for six hours) and a carrier outage (six times the late deliveries of one carrier for
/// two days). Seeded: the same options write the same file, byte for byte. Every name and address is made up.
/// </summary>
internal sealed class HistoryGenerator(int customers, int days, int perDay, DateTimeOffset start, int seed)
{
    private static readonly string[] Carriers = ["UPS", "FedEx", "USPS", "DHL"];
    private static readonly string[] CancelReasons = ["too_expensive", "too_much_product", "not_using", "switching_brand", "quality", "moving_abroad", "other"];
    private static readonly int[] Mrr = [18, 24, 36, 48, 60];
    private static readonly string[] FirstNames = ["Maria", "Tom", "Aiko", "Lena", "Omar", "Priya", "Jonas", "Chloe", "Mateo", "Sara", "Kenji", "Noor"];
    // Relative weight of each UTC hour (shoppers in the Americas and Europe): quiet at night, peaks at lunch and in the evening.
    private static readonly double[] HourWeights = [2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5, 5.5, 6, 6.5, 7, 7, 6.5, 6, 6, 6.5, 7.5, 8.5, 9, 8, 6, 4];

    public int FlashSaleDay => (int)(days * 0.4);

    public int OutageDay => Math.Min(days - 1, (int)(days * 0.7));

    /// <summary>Writes the history, one JSON payload a line, in time order; returns how many payloads.</summary>
    public long Write(TextWriter output)
    {
        var random = new Random(seed);
        var written = 0L;
        var buffer = new List<(long At, string Line)>();
        for (var day = 0; day < days; day++)
        {
            buffer.Clear();
            var dayStart = start.AddDays(day);
            var count = Poisson(random, perDay);
            for (var i = 0; i < count; i++)
            {
                var at = dayStart.AddSeconds(SecondOfDay(random));
                buffer.Add(Event(random, at, random.NextDouble()));
            }
            if (day == FlashSaleDay)
            {
                // Four times the usual carts again, between 14:00 and 20:00 UTC.
                var window = HourWeights[14..20].Sum() / HourWeights.Sum();
                var extra = Poisson(random, perDay * 0.45 * window * 4);
                for (var i = 0; i < extra; i++) buffer.Add(Cart(random, dayStart.AddHours(14).AddSeconds(random.Next(6 * 3600)), flashSale: true));
            }
            if (day == OutageDay || day == OutageDay + 1 && day < days)
            {
                // Five times one carrier's usual late deliveries again (a quarter of the events are delays, over four carriers).
                var extra = Poisson(random, perDay * 0.25 / Carriers.Length * 5);
                for (var i = 0; i < extra; i++) buffer.Add(Delay(random, dayStart.AddSeconds(SecondOfDay(random)), outage: true));
            }
            buffer.Sort((a, b) => a.At.CompareTo(b.At));
            foreach (var (_, line) in buffer)
            {
                output.WriteLine(line);
                written++;
            }
        }
        return written;
    }

    private (long, string) Event(Random random, DateTimeOffset at, double kind) => kind switch
    {
        < 0.45 => Cart(random, at, flashSale: false),
        < 0.60 => Cancel(random, at),
        < 0.85 => Delay(random, at, outage: false),
        _ => Winback(random, at),
    };

    private (long, string) Cart(Random random, DateTimeOffset at, bool flashSale)
    {
        var (id, profile) = Customer(random, at);
        var value = Math.Round(LogNormal(random, flashSale ? 90 : 70, 0.8), 2);
        var checkout = $"chk_{seed}_{random.Next(100_000_000):D8}";
        var items = Math.Max(1, (int)Math.Round(value / 45));
        return Line(at, id, profile, w =>
        {
            w.WriteStartObject("event");
            w.WriteString("name", "checkout_abandoned");
            w.WriteStartObject("data");
            w.WriteString("checkout_id", checkout);
            w.WriteNumber("cart_value", value);
            w.WriteString("currency", "USD");
            w.WriteString("cart_url", $"https://acme-coffee.example/cart/{checkout}");
            w.WriteStartArray("items");
            for (var i = 0; i < items; i++)
            {
                w.WriteStartObject();
                w.WriteString("sku", $"SKU-{random.Next(400):D3}");
                w.WriteString("name", i == 0 ? "Espresso blend 1 kg" : "Filter papers");
                w.WriteNumber("price", Math.Round(value / items, 2));
                w.WriteNumber("quantity", 1);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private (long, string) Cancel(Random random, DateTimeOffset at)
    {
        var (id, profile) = Customer(random, at);
        var reason = random.NextDouble() < 0.03 ? "moving_abroad" : CancelReasons[random.Next(CancelReasons.Length)];
        var mrr = Mrr[random.Next(Mrr.Length)];
        var months = 1 + (int)Math.Min(40, -Math.Log(1 - random.NextDouble()) * 8);
        return Line(at, id, profile with { SubscriptionStatus = "cancel_pending" }, w =>
        {
            w.WriteStartObject("event");
            w.WriteString("name", "subscription_cancel_requested");
            w.WriteStartObject("data");
            w.WriteString("subscription_id", $"sub_{random.Next(1_000_000):D6}");
            w.WriteString("reason", reason);
            w.WriteString("plan", random.NextDouble() < 0.8 ? "monthly" : "quarterly");
            w.WriteNumber("mrr", mrr);
            w.WriteNumber("months_active", months);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private (long, string) Delay(Random random, DateTimeOffset at, bool outage)
    {
        var (id, profile) = Customer(random, at);
        var carrier = outage ? "UPS" : Carriers[random.Next(Carriers.Length)];
        var daysLate = outage ? 3 + random.Next(4) : 1 + (int)Math.Min(9, -Math.Log(1 - random.NextDouble()) * 1.5);
        var value = Math.Round(LogNormal(random, 80, 0.7), 2);
        var order = random.Next(10_000_000);
        return Line(at, id, profile, w =>
        {
            w.WriteStartObject("event");
            w.WriteString("name", "delivery_delayed");
            w.WriteStartObject("data");
            w.WriteString("order_id", order.ToString(CultureInfo.InvariantCulture));
            w.WriteString("order_number", $"#{10000 + order % 90000}");
            w.WriteNumber("order_value", value);
            w.WriteString("carrier", carrier);
            w.WriteString("tracking_url", $"https://www.{carrier.ToLowerInvariant()}.com/track?tracknum={order:D10}");
            w.WriteNumber("promised_at", at.AddDays(-daysLate).ToUnixTimeSeconds());
            w.WriteString("new_eta", at.AddDays(2).UtcDateTime.ToString("yyyy-MM-ddT18:00:00Z", CultureInfo.InvariantCulture));
            w.WriteNumber("days_late", daysLate);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private (long, string) Winback(Random random, DateTimeOffset at)
    {
        var (id, profile) = Customer(random, at);
        return Line(at, id, profile, w =>
        {
            w.WriteStartObject("segment");
            w.WriteNumber("id", 41);
            w.WriteString("name", "winback-eligible");
            w.WriteEndObject();
        });
    }

    /// <summary>The same customer always has the same profile (its own seeded generator); only the event varies.</summary>
    private (int Id, Profile Profile) Customer(Random random, DateTimeOffset at)
    {
        var id = random.Next(customers);
        var own = new Random(unchecked(seed * 1_000_003 + id) & int.MaxValue);
        var ltv = Math.Round(LogNormal(own, 300, 1.0), 2);
        var vip = ltv >= 1500 || own.NextDouble() < 0.04;
        var refunded = own.NextDouble() < 0.06;
        return (id, new Profile(
            FirstNames[own.Next(FirstNames.Length)],
            ltv,
            1 + (int)(ltv / 80) + own.Next(3),
            vip,
            vip ? (ltv >= 3000 ? "platinum" : "gold") : null,
            own.NextDouble() < 0.04,
            own.NextDouble() < 0.005,
            own.NextDouble() < 0.02,
            refunded ? at.AddDays(-own.Next(1, 60)).ToUnixTimeSeconds() : null,
            own.Next(4) == 0 ? own.Next(1, 4) : 0,
            own.Next(5) == 0 ? own.Next(1, 4) : 0,
            "active"));
    }

    private sealed record Profile(string FirstName, double Ltv, int Orders, bool Vip, string? VipTier, bool OpenCase, bool Fraud, bool Unsubscribed,
        long? LastRefundAt, int LateDeliveries, int Wismo30d, string SubscriptionStatus);

    private long _sequence;

    private (long, string) Line(DateTimeOffset at, int id, Profile p, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("delivery_id", $"gen-{seed}-{++_sequence}");
            w.WriteNumber("timestamp", at.ToUnixTimeSeconds());
            w.WriteStartObject("customer");
            w.WriteString("id", $"cus_{id}");
            w.WriteString("cio_id", $"g{seed}{id:D7}");
            w.WriteString("email", $"customer{id}@example.com");
            w.WriteString("first_name", p.FirstName);
            w.WriteString("shop_customer_id", (100000 + id).ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("ltv", p.Ltv);
            w.WriteNumber("order_count", p.Orders);
            w.WriteBoolean("vip", p.Vip);
            if (p.VipTier is not null) w.WriteString("vip_tier", p.VipTier);
            w.WriteBoolean("open_support_case", p.OpenCase);
            w.WriteBoolean("fraud_flag", p.Fraud);
            w.WriteBoolean("unsubscribed", p.Unsubscribed);
            if (p.LastRefundAt is { } refund) w.WriteNumber("last_refund_at", refund);
            w.WriteNumber("late_delivery_count", p.LateDeliveries);
            w.WriteNumber("wismo_count_30d", p.Wismo30d);
            w.WriteString("subscription_status", p.SubscriptionStatus);
            w.WriteEndObject();
            body(w);
            w.WriteEndObject();
        }
        return (at.ToUnixTimeSeconds(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static double LogNormal(Random random, double median, double sigma)
    {
        // Box–Muller: a standard normal from two uniforms.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(sigma * z);
    }

    private static int Poisson(Random random, double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 50) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Normal(random)));
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }
        return k;
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int SecondOfDay(Random random)
    {
        var pick = random.NextDouble() * HourWeights.Sum();
        var hour = 0;
        while (hour < 23 && pick >= HourWeights[hour])
        {
            pick -= HourWeights[hour];
            hour++;
        }
        return hour * 3600 + random.Next(3600);
    }
}
