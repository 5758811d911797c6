using System.Collections.Frozen;
using System.Text;
using Fluid;
using Fluid.Ast;
using Fluid.Values;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// Walks a parsed template in source order, binding every variable against the <see cref="TemplateScope"/>,
/// reporting unknown variables and filters, and recording each data read and whether it can reach the output.
/// Conservative on purpose: everything is "printed" except conditions and loop collections.
/// </summary>
internal sealed class TemplateWalker : AstVisitor
{
    private static readonly FrozenSet<string> LoopMembers =
        new[] { "index", "index0", "rindex", "rindex0", "first", "last", "length", "parentloop", "col", "col0", "col_first", "col_last", "row" }
            .ToFrozenSet(StringComparer.Ordinal);

    private readonly ScalarSourceMap _map;
    private readonly TemplateScope _scope;
    private readonly DiagnosticBag _diagnostics;
    private readonly TemplateSourceLocator _locator;
    private readonly List<TemplateRead> _reads = [];
    private readonly List<(string Name, TemplateBinding Binding)> _loopVariables = [];
    private readonly Dictionary<string, TemplateBinding> _locals = new(StringComparer.Ordinal);
    private readonly HashSet<string> _assignedAnywhere = new(StringComparer.Ordinal);
    private readonly List<string> _loopObjects = [];
    private bool _printed;

    public TemplateWalker(string source, ScalarSourceMap map, TemplateScope scope, DiagnosticBag diagnostics)
    {
        _map = map;
        _scope = scope;
        _diagnostics = diagnostics;
        _locator = new TemplateSourceLocator(source);
    }

    public IReadOnlyList<TemplateRead> Walk(IFluidTemplate template)
    {
        new LocalNameCollector(_assignedAnywhere).VisitTemplate(template);
        VisitTemplate(template);
        return _reads;
    }

    protected override Statement VisitOutputStatement(OutputStatement outputStatement)
    {
        VisitWith(printed: true, outputStatement.Expression);
        return outputStatement;
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        if (assignStatement.Value is MemberExpression member)
        {
            var binding = Resolve(member, out var location);
            if (binding is { Kind: TemplateBindingKind.Data, IsAggregate: true })
            {
                // An alias of an object or list: reads through it are classified where they happen.
                EmitRead(binding, location, printed: false);
                _locals[assignStatement.Identifier] = binding;
                return assignStatement;
            }
            if (binding is not null) EmitRead(binding, location, printed: true);
        }
        else
        {
            VisitWith(printed: true, assignStatement.Value);
        }
        _locals[assignStatement.Identifier] = TemplateBinding.Opaque;
        return assignStatement;
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        VisitAll(captureStatement.Statements);
        _locals[captureStatement.Identifier] = TemplateBinding.Opaque;
        return captureStatement;
    }

    protected override Statement VisitIfStatement(IfStatement ifStatement)
    {
        VisitWith(printed: false, ifStatement.Condition);
        VisitAll(ifStatement.Statements);
        foreach (var elseIf in ifStatement.ElseIfs) Visit(elseIf);
        Visit(ifStatement.Else);
        return ifStatement;
    }

    protected override Statement VisitElseIfStatement(ElseIfStatement elseIfStatement)
    {
        VisitWith(printed: false, elseIfStatement.Condition);
        VisitAll(elseIfStatement.Statements);
        return elseIfStatement;
    }

    protected override Statement VisitUnlessStatement(UnlessStatement unlessStatement)
    {
        VisitWith(printed: false, unlessStatement.Condition);
        VisitAll(unlessStatement.Statements);
        Visit(unlessStatement.Else);
        return unlessStatement;
    }

    protected override Statement VisitCaseStatement(CaseStatement caseStatement)
    {
        VisitWith(printed: false, caseStatement.Expression);
        foreach (var when in caseStatement.Whens) Visit(when);
        Visit(caseStatement.Else);
        return caseStatement;
    }

    protected override Statement VisitWhenStatement(WhenStatement whenStatement)
    {
        foreach (var option in whenStatement.Options) VisitWith(printed: false, option);
        VisitAll(whenStatement.Statements);
        return whenStatement;
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        var element = BindCollection(forStatement.Source ?? forStatement.Range);
        VisitWith(printed: false, forStatement.Limit);
        VisitWith(printed: false, forStatement.Offset);
        VisitLoopBody(forStatement.Identifier, element, "forloop", forStatement.Statements);
        Visit(forStatement.Else);
        return forStatement;
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        var element = BindCollection(tableRowStatement.Source);
        VisitWith(printed: false, tableRowStatement.Limit);
        VisitWith(printed: false, tableRowStatement.Offset);
        VisitWith(printed: false, tableRowStatement.Cols);
        VisitLoopBody(tableRowStatement.Identifier, element, "tablerowloop", tableRowStatement.Statements);
        return tableRowStatement;
    }

    protected override Statement VisitCycleStatement(CycleStatement cycleStatement)
    {
        VisitWith(printed: false, cycleStatement.Group);
        foreach (var value in cycleStatement.Values) VisitWith(printed: true, value);
        return cycleStatement;
    }

    protected override Expression VisitFilterExpression(FilterExpression filterExpression)
    {
        Visit(filterExpression.Input);
        var offset = _locator.FindFilter(filterExpression.Name);
        if (!LiquidEngine.KnownFilters.Contains(filterExpression.Name))
        {
            _diagnostics.ReportUnknownTemplateFilter(
                Locate(offset, filterExpression.Name.Length),
                filterExpression.Name,
                Suggestions.Closest(filterExpression.Name, LiquidEngine.KnownFilters));
        }
        foreach (var parameter in filterExpression.Parameters) Visit(parameter.Expression);
        return filterExpression;
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var binding = Resolve(memberExpression, out var location);
        if (binding is not null) EmitRead(binding, location, _printed);
        return memberExpression;
    }

    private TemplateBinding BindCollection(Expression? source)
    {
        if (source is not MemberExpression member)
        {
            VisitWith(printed: false, source);
            return TemplateBinding.Opaque;
        }
        var binding = Resolve(member, out var location);
        if (binding is null) return TemplateBinding.Opaque;
        EmitRead(binding, location, printed: false);
        return binding.Kind == TemplateBindingKind.Data ? binding.Element() : TemplateBinding.Opaque;
    }

    private void VisitLoopBody(string identifier, TemplateBinding element, string loopObject, IReadOnlyList<Statement> statements)
    {
        _loopVariables.Add((identifier, element));
        _loopObjects.Add(loopObject);
        VisitAll(statements);
        _loopObjects.RemoveAt(_loopObjects.Count - 1);
        _loopVariables.RemoveAt(_loopVariables.Count - 1);
    }

    /// <summary>
    /// Binds a member path such as <c>customer.first_name</c> or <c>item.sku</c>, reporting RP0402 when a part
    /// is unknown; returns null after reporting, so one typo yields one error.
    /// </summary>
    private TemplateBinding? Resolve(MemberExpression member, out SourceLocation location)
    {
        var segments = member.Segments;
        var written = WrittenPath(segments, out var leading);
        location = Locate(_locator.FindVariable(leading), leading.Length);
        if (segments.Count == 0 || segments[0] is not IdentifierSegment root)
        {
            VisitSegmentExpressions(segments, 0);
            return TemplateBinding.Opaque;
        }

        var binding = BindRoot(root.Identifier);
        if (binding is null)
        {
            if (_scope.UnavailableRoots.TryGetValue(root.Identifier, out var reason))
            {
                _diagnostics.ReportUnavailableTemplateVariable(location, written, root.Identifier, reason);
            }
            else
            {
                _diagnostics.ReportUnknownTemplateVariable(location, written, Suggestions.Closest(root.Identifier, NamesInScope()));
            }
            VisitSegmentExpressions(segments, 1);
            return null;
        }

        var prefix = new StringBuilder(root.Identifier);
        for (var i = 1; i < segments.Count; i++)
        {
            var segment = segments[i];
            var name = segment switch
            {
                IdentifierSegment id => id.Identifier,
                IndexerSegment { Expression: LiteralExpression { Value: StringValue key } } => key.ToStringValue(),
                _ => null,
            };
            if (name is null)
            {
                // A computed index: a list element, or any member of an object (so, the whole object).
                VisitSegmentExpressions(segments, i, i + 1);
                binding = binding.Kind == TemplateBindingKind.Data && binding.ListElement is not null
                    ? binding.Element()
                    : binding.Kind == TemplateBindingKind.Data && binding.Members is not null ? binding : TemplateBinding.DerivedFrom(binding);
                prefix.Append("[]");
                continue;
            }
            var next = Member(binding, name);
            if (next is null)
            {
                _diagnostics.ReportUnknownTemplateVariable(location, written, SuggestMember(binding, name, prefix.ToString()));
                VisitSegmentExpressions(segments, i + 1);
                return null;
            }
            binding = next;
            prefix.Append('.').Append(name);
        }
        return binding;
    }

    private TemplateBinding? BindRoot(string name)
    {
        for (var i = _loopVariables.Count - 1; i >= 0; i--)
        {
            if (_loopVariables[i].Name == name) return _loopVariables[i].Binding;
        }
        if (_locals.TryGetValue(name, out var local)) return local;
        if (_scope.DataRoots.TryGetValue(name, out var fields)) return TemplateBinding.DataRoot(name, fields);
        if (_scope.BuiltInRoots.TryGetValue(name, out var members)) return TemplateBinding.BuiltIn(name, members);
        if (_loopObjects.Contains(name)) return TemplateBinding.Loop(LoopMembers);
        // Assigned later in the template (e.g. on a previous loop iteration): a local of unknown shape.
        if (_assignedAnywhere.Contains(name)) return TemplateBinding.Opaque;
        return null;
    }

    /// <summary>The binding of <paramref name="name"/> under <paramref name="binding"/>, or null when it has no such member.</summary>
    private TemplateBinding? Member(TemplateBinding binding, string name)
    {
        switch (binding.Kind)
        {
            case TemplateBindingKind.Data:
                if (binding.Members is not null && binding.Members.TryGetValue(name, out var field)) return TemplateBinding.OfField(field);
                if (binding.ListElement is not null && name is "first" or "last") return binding.Element();
                // Liquid's size, and first/last of a string, are computed from the value.
                if (name is "size" || (binding.Members is null && name is "first" or "last")) return TemplateBinding.DerivedFrom(binding);
                return null;
            case TemplateBindingKind.BuiltIn when binding.Names is not null:
                if (!binding.Names.Contains(name)) return null;
                // A typed member (trigger.from of an attribute change) reads as that attribute: its type and PII class.
                return _scope.BuiltInFields.TryGetValue(binding.Path + "." + name, out var typed)
                    ? TemplateBinding.OfField(typed)
                    : TemplateBinding.BuiltIn(binding.Path + "." + name, null);
            case TemplateBindingKind.BuiltIn:
            case TemplateBindingKind.Derived:
                return TemplateBinding.DerivedFrom(binding);
            case TemplateBindingKind.Loop:
                return binding.Names!.Contains(name) ? TemplateBinding.Opaque : null;
            default:
                return TemplateBinding.Opaque;
        }
    }

    private static string? SuggestMember(TemplateBinding binding, string name, string prefix)
    {
        IEnumerable<string> candidates = binding.Kind switch
        {
            TemplateBindingKind.Data when binding.Members is not null => binding.Members.Keys.Append("size"),
            TemplateBindingKind.Data when binding.ListElement is not null => ["size", "first", "last"],
            TemplateBindingKind.Data => ["size", "first", "last"],
            _ => binding.Names ?? Enumerable.Empty<string>(),
        };
        var closest = Suggestions.Closest(name, candidates);
        return closest is null ? null : prefix + "." + closest;
    }

    private IEnumerable<string> NamesInScope() =>
        _loopVariables.Select(v => v.Name)
            .Concat(_locals.Keys)
            .Concat(_scope.RootNames)
            .Concat(_scope.UnavailableRoots.Keys)
            .Concat(_loopObjects)
            .Distinct(StringComparer.Ordinal);

    private void EmitRead(TemplateBinding binding, SourceLocation location, bool printed)
    {
        switch (binding.Kind)
        {
            case TemplateBindingKind.Data:
                _reads.Add(new TemplateRead(binding.Path, binding.Field, location, printed));
                // Printing a whole object or list prints every field under it.
                if (printed) EmitMembers(binding.Members ?? binding.ListElement?.Properties, location);
                break;
            case TemplateBindingKind.BuiltIn:
            case TemplateBindingKind.Derived:
                _reads.Add(new TemplateRead(binding.Path, binding.Field, location, printed));
                break;
        }
    }

    private void EmitMembers(IReadOnlyDictionary<string, FieldSymbol>? members, SourceLocation location)
    {
        if (members is null) return;
        foreach (var field in members.Values)
        {
            _reads.Add(new TemplateRead(field.Path, field, location, Printed: true));
            var shape = field.Type.Kind == TypeKind.List ? field.Type.Element : field.Type;
            if (shape is not null) EmitMembers(shape.Properties, location);
        }
    }

    private void VisitSegmentExpressions(IReadOnlyList<MemberSegment> segments, int from, int to = int.MaxValue)
    {
        for (var i = from; i < Math.Min(to, segments.Count); i++)
        {
            switch (segments[i])
            {
                case IndexerSegment indexer:
                    VisitWith(printed: false, indexer.Expression);
                    break;
                case FunctionCallSegment call:
                    foreach (var argument in call.Arguments) VisitWith(_printed, argument.Expression);
                    break;
            }
        }
    }

    /// <summary>The path as the marketer wrote it, and its leading dotted part (the text searched for in the source).</summary>
    private static string WrittenPath(IReadOnlyList<MemberSegment> segments, out string leading)
    {
        var text = new StringBuilder();
        leading = "";
        var inLeading = true;
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case IdentifierSegment id:
                    if (text.Length > 0) text.Append('.');
                    text.Append(id.Identifier);
                    break;
                case IndexerSegment { Expression: LiteralExpression literal }:
                    inLeading = false;
                    text.Append('[').Append(literal.Value is StringValue ? "\"" + literal.Value.ToStringValue() + "\"" : literal.Value.ToStringValue()).Append(']');
                    break;
                default:
                    inLeading = false;
                    text.Append(segment is IndexerSegment ? "[...]" : "(...)");
                    break;
            }
            if (inLeading) leading = text.ToString();
        }
        return text.ToString();
    }

    private SourceLocation Locate(int offset, int length) => offset < 0 ? _map.Whole : _map.Map(offset, length);

    private void VisitWith(bool printed, Expression? expression)
    {
        if (expression is null) return;
        var saved = _printed;
        _printed = printed;
        Visit(expression);
        _printed = saved;
    }

    private void VisitAll(IReadOnlyList<Statement> statements)
    {
        foreach (var statement in statements) Visit(statement);
    }

    /// <summary>Collects every name a template assigns, captures or counts, wherever it happens.</summary>
    private sealed class LocalNameCollector(HashSet<string> names) : AstVisitor
    {
        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            names.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            names.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
        {
            names.Add(incrementStatement.Identifier);
            return base.VisitIncrementStatement(incrementStatement);
        }

        protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
        {
            names.Add(decrementStatement.Identifier);
            return base.VisitDecrementStatement(decrementStatement);
        }
    }
}
