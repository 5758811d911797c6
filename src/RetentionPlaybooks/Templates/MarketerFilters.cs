using System.Globalization;
using Fluid;
using Fluid.Values;
using RetentionPlaybooks.Evaluation;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// Filters marketers expect beyond Liquid's standard set: <c>money</c> and <c>time_ago</c>. Both are
/// culture-invariant and read the clock only from the render context, never from the wall clock.
/// </summary>
internal static class MarketerFilters
{
    /// <summary>The <see cref="TemplateContext.AmbientValues"/> key holding the render's "now" as a <see cref="DateTimeOffset"/>.</summary>
    public const string NowKey = "retention_playbooks.now";

    internal const string DefaultCurrency = "USD";

    // Symbol and decimals per ISO 4217 code; other codes are written as a prefix ("CHF 1,234.50").
    private static readonly Dictionary<string, (string Symbol, int Decimals)> Currencies = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = ("$", 2),
        ["EUR"] = ("€", 2),
        ["GBP"] = ("£", 2),
        ["JPY"] = ("¥", 0),
        ["CAD"] = ("CA$", 2),
        ["AUD"] = ("A$", 2),
        ["INR"] = ("₹", 2),
    };

    /// <summary><c>{{ 1234.5 | money }}</c> → <c>$1,234.50</c>; <c>{{ 1234.5 | money: "EUR" }}</c> → <c>€1,234.50</c>.</summary>
    public static ValueTask<FluidValue> Money(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (!TryGetNumber(input, out var amount)) return ValueTask.FromResult(IsBlank(input) ? NilValue.Instance : input);
        var code = arguments.Count > 0 && !arguments.At(0).IsNil() ? arguments.At(0).ToStringValue() : DefaultCurrency;
        return ValueTask.FromResult<FluidValue>(StringValue.Create(FormatMoney(amount, code)));
    }

    internal static string FormatMoney(decimal amount, string currencyCode)
    {
        var (prefix, decimals) = Currencies.TryGetValue(currencyCode, out var known)
            ? known
            : (currencyCode.ToUpperInvariant() + " ", 2);
        // Standard "N" formats group thousands like "#,##0.00" in the invariant culture, and are much faster.
        var digits = Math.Abs(amount).ToString(decimals == 0 ? "N0" : "N2", CultureInfo.InvariantCulture);
        var sign = Math.Round(amount, decimals, MidpointRounding.AwayFromZero) < 0 ? "-" : "";
        return sign + prefix + digits;
    }

    /// <summary>
    /// <c>{{ customer.last_order_at | time_ago }}</c> → <c>42 min ago</c>, <c>3 h ago</c>, <c>2 days ago</c>, <c>just now</c>.
    /// Accepts unix seconds (or milliseconds), numeric strings, ISO 8601 text and dates.
    /// </summary>
    public static ValueTask<FluidValue> TimeAgo(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (!TryGetInstant(input, out var then)) return ValueTask.FromResult(IsBlank(input) ? NilValue.Instance : input);
        return ValueTask.FromResult<FluidValue>(StringValue.Create(Relative(NowOf(context) - then)));
    }

    /// <summary>
    /// Liquid's <c>truncate</c> (<c>{{ text | truncate: 200 }}</c>, optional ellipsis argument, default "..."),
    /// except that it never cuts an emoji or other surrogate pair in half, which Slack would show as "�".
    /// </summary>
    public static ValueTask<FluidValue> Truncate(FluidValue input, FilterArguments arguments, TemplateContext context)
    {
        if (input.IsNil()) return ValueTask.FromResult<FluidValue>(NilValue.Instance);
        var text = input.ToStringValue();
        var length = arguments.Count > 0 && !arguments.At(0).IsNil() ? (int)Math.Max(0, arguments.At(0).ToNumberValue()) : 50;
        var ellipsis = arguments.Count > 1 ? arguments.At(1).ToStringValue() : "...";
        return ValueTask.FromResult<FluidValue>(StringValue.Create(TruncateText(text, length, ellipsis)));
    }

    internal static string TruncateText(string text, int length, string ellipsis)
    {
        if (text.Length <= length) return text;
        var cut = Math.Max(0, length - ellipsis.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + ellipsis;
    }

    internal static string Relative(TimeSpan elapsed)
    {
        var magnitude = elapsed.Duration();
        if (magnitude < TimeSpan.FromMinutes(1)) return "just now";
        string amount;
        if (magnitude < TimeSpan.FromHours(1)) amount = $"{(int)magnitude.TotalMinutes} min";
        else if (magnitude < TimeSpan.FromDays(1)) amount = $"{(int)magnitude.TotalHours} h";
        else
        {
            var days = (int)magnitude.TotalDays;
            amount = days == 1 ? "1 day" : $"{days} days";
        }
        return elapsed < TimeSpan.Zero ? "in " + amount : amount + " ago";
    }

    /// <summary>The render's clock: the value the renderer stored, else the context's own.</summary>
    internal static DateTimeOffset NowOf(TemplateContext context) =>
        context.AmbientValues.TryGetValue(NowKey, out var stored) && stored is DateTimeOffset now ? now : context.Now();

    private static bool IsBlank(FluidValue input) =>
        input.IsNil() || (input.Type == FluidValues.String && input.ToStringValue().Length == 0);

    private static bool TryGetNumber(FluidValue input, out decimal number)
    {
        number = 0;
        switch (input.Type)
        {
            case FluidValues.Number:
                number = input.ToNumberValue();
                return true;
            case FluidValues.String:
                return decimal.TryParse(input.ToStringValue(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default:
                return false;
        }
    }

    private static bool TryGetInstant(FluidValue input, out DateTimeOffset instant)
    {
        instant = default;
        if (input.Type == FluidValues.DateTime)
        {
            switch (input.ToObjectValue())
            {
                case DateTimeOffset dto:
                    instant = dto;
                    return true;
                case DateTime dt:
                    instant = new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind));
                    return true;
                default:
                    return false;
            }
        }
        if (TryGetNumber(input, out var number))
        {
            // Same rule as ValueReader: seconds or milliseconds by magnitude, and nothing outside 1900–2200.
            if (!ValueLimits.TryReadUnix((double)number, out var seconds)) return false;
            instant = ValueLimits.ToInstant(seconds);
            return true;
        }
        return input.Type == FluidValues.String
            && DateTimeOffset.TryParse(input.ToStringValue(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant)
            && ValueLimits.TryReadInstant(instant, out _);
    }
}
