using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Gates.Binding;
using RetentionPlaybooks.Gates.Compiling;
using RetentionPlaybooks.Gates.Syntax;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Gates;

/// <summary>Compiles a gate expression: lex and parse, bind against a scope, then emit a delegate.</summary>
internal static class GateCompiler
{
    /// <summary>
    /// Compiles <paramref name="source"/>, reporting problems (RP0201–RP0207) to <paramref name="diagnostics"/>
    /// at the file positions <paramref name="map"/> gives. Returns null when the gate has errors.
    /// </summary>
    public static CompiledGate? Compile(string source, ScalarSourceMap map, GateScope scope, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var errorsBefore = diagnostics.ErrorCount;
        var parser = new Parser(source, map, diagnostics);
        var syntax = parser.ParseGate();
        // A tree with a syntax error has holes; binding it would only echo the same mistake.
        if (parser.HasSyntaxErrors) return null;

        var bound = new Binder(source, map, scope, diagnostics).BindGate(syntax);
        // An error-typed tree with no new error reads a field whose type the data model got wrong: reported there, once.
        if (diagnostics.ErrorCount > errorsBefore || bound.Type.Kind == TypeKind.Error) return null;

        return new CompiledGate(source, bound, GateEmitter.EmitCondition(bound), CollectReads(bound));
    }

    private static List<FieldSymbol> CollectReads(BoundExpression gate)
    {
        var reads = new List<FieldSymbol>();
        Visit(gate);
        return reads;

        void Visit(BoundExpression node)
        {
            switch (node)
            {
                case BoundFieldExpression field:
                    if (field.Parent is not null) Visit(field.Parent);
                    if (!reads.Contains(field.Field)) reads.Add(field.Field);
                    break;
                case BoundNotExpression not:
                    Visit(not.Operand);
                    break;
                case BoundBinaryExpression binary:
                    Visit(binary.Left);
                    Visit(binary.Right);
                    break;
                case BoundCallExpression call:
                    Visit(call.Argument);
                    break;
                case BoundListExpression list:
                    foreach (var element in list.Elements) Visit(element);
                    break;
            }
        }
    }
}
