using Fluid.Ast;

namespace RetentionPlaybooks.Templates;

/// <summary>Wraps every <c>{{ }}</c> expression in an <see cref="OutputTextExpression"/>; applied once to each template before it is rendered.</summary>
internal sealed class OutputTextRewriter : AstRewriter
{
    protected override Statement VisitOutputStatement(OutputStatement outputStatement) =>
        outputStatement.Expression is OutputTextExpression
            ? outputStatement
            : new OutputStatement(new OutputTextExpression(outputStatement.Expression));
}
