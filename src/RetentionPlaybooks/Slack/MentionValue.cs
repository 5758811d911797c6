using System.Globalization;
using System.Text.Encodings.Web;
using Fluid.Values;
using RetentionPlaybooks.Templates;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// A Slack mention as a template value: written as it is (<c>&lt;@U123&gt;</c>) where the output is mrkdwn — the one value
/// that is not escaped, since the workspace, not a payload, supplies it — and as <c>@name</c> in plain text, where
/// Slack would show the markup literally. Filters see the plain form.
/// </summary>
internal sealed class MentionValue(string mrkdwn, string plain) : FluidValue
{
    public override FluidValues Type => FluidValues.String;

    public override bool Equals(FluidValue other) => other is MentionValue m ? m.ToStringValue() == plain : other.ToStringValue() == plain;

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => plain;

    public override object ToObjectValue() => plain;

#pragma warning disable CS0672 // Fluid marks the synchronous writer obsolete in favour of WriteToAsync; both are overridden.
    public override void WriteTo(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) =>
        writer.Write(ReferenceEquals(encoder, MrkdwnEncoder.Instance) ? mrkdwn : plain);
#pragma warning restore CS0672

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(ReferenceEquals(encoder, MrkdwnEncoder.Instance) ? mrkdwn : plain);
        return ValueTask.CompletedTask;
    }

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => plain.GetHashCode(StringComparison.Ordinal);
}
