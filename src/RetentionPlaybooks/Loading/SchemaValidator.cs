using System.Collections.Concurrent;
using NJsonSchema;
using NJsonSchema.Validation;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Evaluation;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Loading;

/// <summary>
/// Validates a YAML file against one of the JSON Schemas in <c>schemas/</c> (embedded in this assembly, the
/// same files editors use) and turns each NJsonSchema error into a diagnostic at the YAML node's position.
/// </summary>
internal static class SchemaValidator
{
    public const string Playbook = "playbook.schema.json";
    public const string Workspace = "workspace.schema.json";
    public const string DataModel = "data-model.schema.json";
    public const string PlaybookTests = "playbook-tests.schema.json";

    // Lazy: each schema is built once even when a warm-up thread and the compiler ask for it at the same moment.
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Schemas = new(StringComparer.Ordinal);

    public static JsonSchema Get(string name) => Schemas.GetOrAdd(name, static n => new Lazy<JsonSchema>(() =>
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("schemas/" + n)
            ?? throw new InvalidOperationException($"schema {n} is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    })).Value;

    /// <summary>
    /// Builds the schemas a folder's compile needs, in the order it needs them, on a thread-pool thread: building them (NJsonSchema
    /// reading their JSON by reflection) is the largest part of a cold <c>playbooks validate</c>, and can run while the files are
    /// read and parsed. Nothing waits for it; <see cref="Get"/> then finds them built, or waits for the one under way.
    /// </summary>
    public static void WarmUp()
    {
        // Two work items: the schemas in the order the compiler needs them, and the Liquid parser beside them (the compiler's
        // thread mostly waits for the first schema meanwhile, so on two cores both run).
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Quietly(static () =>
        {
            Get(Workspace);
            Get(DataModel);
            Get(Playbook);
        }), null);
        ThreadPool.UnsafeQueueUserWorkItem(static _ => Quietly(Templates.LiquidEngine.WarmUp), null);
    }

    private static void Quietly(Action warm)
    {
        try
        {
            warm();
        }
#pragma warning disable CA1031 // A warm-up that fails changes nothing: the compiler asks again and sees the failure itself.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public static void Validate(YamlFile file, string schemaName, DiagnosticBag diagnostics)
    {
        var schema = Get(schemaName);
        var errors = Flatten(schema.Validate(file.Json)).ToList();
        // A mapping written as another type ("inhibited_by: [x]") is one mistake: its wrong type, not also its missing keys.
        var mistyped = errors.Where(e => IsTypeMismatch(e.Kind)).Select(e => e.Path ?? "#").ToHashSet(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            if (error.Kind == ValidationErrorKind.PropertyRequired && mistyped.Contains(ParentPath(error.Path ?? "#"))) continue;
            Report(file, error, diagnostics);
            file.HasSchemaErrors = true;
        }
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && error.Kind is ValidationErrorKind.ArrayItemNotValid
                    or ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.PropertyRequired)
            {
                var inner = child.Errors.SelectMany(e => e.Value).ToList();
                if (inner.Count > 0)
                {
                    foreach (var e in Flatten(inner)) yield return e;
                    continue;
                }
            }
            yield return error;
        }
    }

    private static void Report(YamlFile file, ValidationError error, DiagnosticBag diagnostics)
    {
        var path = error.Path ?? "#";
        var node = file.NodeAt(path) ?? file.Root;
        var key = KeyName(path);
        switch (error.Kind)
        {
            case ValidationErrorKind.NoAdditionalPropertiesAllowed:
            {
                var keyNode = (YamlNode?)file.KeyAt(path) ?? node;
                var known = (error.Schema?.ActualSchema.ActualProperties.Keys ?? []).ToList();
                diagnostics.ReportUnknownKey(file.Location(keyNode), error.Property ?? key, Where(ParentPath(path)),
                    Suggestions.Closest(error.Property ?? key, known));
                file.MarkInvalid(node);
                return;
            }
            case ValidationErrorKind.PropertyRequired:
            {
                var parent = file.NodeAt(ParentPath(path)) ?? file.Root;
                diagnostics.ReportMissingKey(file.Location(parent), error.Property ?? key, Where(ParentPath(path)));
                return;
            }
            case ValidationErrorKind.StringExpected:
            case ValidationErrorKind.NumberExpected:
            case ValidationErrorKind.IntegerExpected:
            case ValidationErrorKind.BooleanExpected:
            case ValidationErrorKind.ObjectExpected:
            case ValidationErrorKind.ArrayExpected:
            case ValidationErrorKind.NullExpected:
                diagnostics.ReportWrongType(file.Location(node), key, Expected(error), Describe(node));
                file.MarkInvalid(node);
                return;
            case ValidationErrorKind.PatternMismatch when error.Schema?.ActualSchema.Pattern == DurationSyntax.Pattern:
                diagnostics.ReportBadDuration(file.Location(node), key, (node as YamlScalarNode)?.Value ?? "");
                file.MarkInvalid(node);
                return;
            case ValidationErrorKind.NotInEnumeration:
            {
                var options = string.Join(", ", error.Schema?.ActualSchema.Enumeration.Select(v => v?.ToString()) ?? []);
                var value = (node as YamlScalarNode)?.Value ?? "";
                var suggestion = Suggestions.Closest(value, error.Schema?.ActualSchema.Enumeration.Select(v => v?.ToString() ?? "") ?? []);
                diagnostics.ReportInvalidValue(file.Location(node), key, Describe(node), $"expected one of {options}{DiagnosticBag.DidYouMean(suggestion)}");
                file.MarkInvalid(node);
                return;
            }
            case ValidationErrorKind.NotAnyOf:
                ReportAnyOf(file, error, node, key, diagnostics);
                return;
            case ValidationErrorKind.NotOneOf:
                ReportOneOf(file, error, node, key, diagnostics);
                return;
            default:
                diagnostics.ReportInvalidValue(file.Location(node), key, Describe(node), Explain(error));
                file.MarkInvalid(node);
                return;
        }
    }

    /// <summary>
    /// For a key written in a short or a long form (<c>sla: 2h</c> or a mapping): report the errors of the form the node has
    /// — the branch whose errors do not say the node is of another type. A node of neither shape gets one error naming both.
    /// </summary>
    private static void ReportOneOf(YamlFile file, ValidationError error, YamlNode node, string key, DiagnosticBag diagnostics)
    {
        var path = error.Path ?? "#";
        if (error is ChildSchemaValidationError child)
        {
            var branch = child.Errors.Select(e => e.Value)
                .FirstOrDefault(list => list.Count > 0 && !list.Any(e => (e.Path ?? "#") == path && IsTypeMismatch(e.Kind)));
            if (branch is not null)
            {
                foreach (var e in Flatten(branch)) Report(file, e, diagnostics);
                return;
            }
        }
        diagnostics.ReportWrongType(file.Location(node), key, "a duration such as 2h, or a mapping (key: value lines)", Describe(node));
        file.MarkInvalid(node);
    }

    private static bool IsTypeMismatch(ValidationErrorKind kind) => kind is ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected
        or ValidationErrorKind.IntegerExpected or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or ValidationErrorKind.ArrayExpected
        or ValidationErrorKind.NullExpected;

    /// <summary>For a field spec that is either a type name or a mapping: report the branch the user meant.</summary>
    private static void ReportAnyOf(YamlFile file, ValidationError error, YamlNode node, string key, DiagnosticBag diagnostics)
    {
        var names = RetentionPlaybooks.DataModel.DataType.ScalarNames;
        var expected = $"expected a type ({string.Join(", ", names)}) or a mapping with \"type\"";
        if (node is YamlScalarNode scalar)
        {
            diagnostics.ReportInvalidValue(file.Location(node), key, Describe(node),
                expected + DiagnosticBag.DidYouMean(Suggestions.Closest(scalar.Value ?? "", names)));
            file.MarkInvalid(node);
            return;
        }
        if (error is ChildSchemaValidationError child)
        {
            // Pick the branch that matched the node's shape: the one with no shape mismatch at the node itself (a mapping is not
            // one of the type names, nor a list a mapping); its errors are deeper, such as a misspelt "type: mony".
            var path = error.Path ?? "#";
            var branch = child.Errors.Select(e => e.Value)
                .Where(list => !list.Any(e => (e.Path ?? "#") == path && e.Kind is ValidationErrorKind.ObjectExpected or ValidationErrorKind.NotInEnumeration))
                .FirstOrDefault(list => list.Count > 0);
            if (branch is not null)
            {
                foreach (var e in Flatten(branch)) Report(file, e, diagnostics);
                return;
            }
        }
        diagnostics.ReportInvalidValue(file.Location(node), key, Describe(node), expected);
        file.MarkInvalid(node);
    }

    private static string Expected(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.StringExpected => "a string",
        ValidationErrorKind.NumberExpected => "a number",
        ValidationErrorKind.IntegerExpected => "a whole number",
        ValidationErrorKind.BooleanExpected => "true or false",
        ValidationErrorKind.ObjectExpected => "a mapping (key: value lines)",
        ValidationErrorKind.ArrayExpected => "a list (lines starting with '- ')",
        _ => "empty",
    };

    private static string Explain(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.StringTooShort => "must not be empty",
        ValidationErrorKind.NumberTooSmall => $"must be at least {error.Schema?.ActualSchema.Minimum}",
        ValidationErrorKind.PatternMismatch when error.Schema?.ActualSchema.Pattern == "^[a-z][a-z0-9_]{0,39}$" =>
            "write a lower-case key: a letter, then letters, digits or _, at most 40 characters (e.g. out_of_stock)",
        ValidationErrorKind.PatternMismatch when error.Schema?.ActualSchema.Pattern == RetentionPlaybooks.Workspace.DigestPolicy.AfterPattern =>
            "write a count, \"in\" and a duration, e.g. \"5 in 10m\": after 5 messages within 10 minutes, the rest roll into the digest",
        ValidationErrorKind.PatternMismatch => $"must match {error.Schema?.ActualSchema.Pattern}",
        ValidationErrorKind.TooFewItems => "the list must not be empty",
        ValidationErrorKind.TooManyItems => $"the list may hold at most {error.Schema?.ActualSchema.MaxItems} items",
        ValidationErrorKind.ItemsNotUnique => "an item appears more than once; list each once",
        ValidationErrorKind.TooFewProperties => "the mapping must not be empty",
        ValidationErrorKind.TooManyProperties when error.Schema?.ActualSchema.MaxProperties == 1 =>
            $"give one of {string.Join(" or ", error.Schema.ActualSchema.ActualProperties.Keys)}, not several",
        ValidationErrorKind.TooManyProperties => $"the mapping may hold at most {error.Schema?.ActualSchema.MaxProperties} keys",
        _ => error.Kind.ToString(),
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when s.Style == YamlDotNet.Core.ScalarStyle.Plain && string.IsNullOrEmpty(s.Value) => "empty",
        YamlScalarNode s => $"\"{s.Value}\"",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "empty",
    };

    internal static string KeyName(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('/'));
        if (IndexStart(path) is var open and >= 0) return KeyName(path[..open]) + path[open..];
        return cut >= 0 ? path[(cut + 1)..] : path;
    }

    /// <summary>Where a trailing list index such as "[2]" starts, or -1; a key may itself contain "]" ("links]:").</summary>
    internal static int IndexStart(string path)
    {
        if (!path.EndsWith(']')) return -1;
        var open = path.LastIndexOf('[');
        return open > 0 && path.AsSpan(open + 1, path.Length - open - 2) is { Length: > 0 } digits && !digits.ContainsAnyExceptInRange('0', '9') ? open : -1;
    }

    internal static string ParentPath(string path)
    {
        if (IndexStart(path) is var open and >= 0) return path[..open];
        var cut = path.LastIndexOf('.');
        if (cut < 0) cut = path.LastIndexOf('/') + 1;
        return cut <= 1 ? "#" : path[..cut];
    }

    internal static string Where(string parentPath) =>
        parentPath is "#" or "#/" ? "the top level" : $"\"{parentPath.TrimStart('#', '/')}\"";
}
