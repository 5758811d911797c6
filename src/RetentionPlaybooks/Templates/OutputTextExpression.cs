using System.Text;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// Wraps an output expression so its value is written as one encodable string. Fluid writes a list
/// (<c>{{ customer.tags }}</c>, <c>{{ x | split: "" }}</c>) element by element without the encoder, which
/// would let <c>&lt;!channel&gt;</c> through into mrkdwn; as a string it is escaped like any other value.
/// </summary>
internal sealed class OutputTextExpression(Expression inner) : Expression
{
    public Expression Inner { get; } = inner;

    public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        var value = await Inner.EvaluateAsync(context);
        if (value is not ArrayValue) return value;
        var text = new StringBuilder();
        Append(value, context, text);
        return StringValue.Create(text.ToString());
    }

    private static void Append(FluidValue value, TemplateContext context, StringBuilder text)
    {
        if (value is ArrayValue)
        {
            foreach (var item in value.Enumerate(context)) Append(item, context, text);
            return;
        }
        text.Append(value.ToStringValue());
    }
}
