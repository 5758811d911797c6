using System.Globalization;
using Newtonsoft.Json.Linq;
using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Loading;

/// <summary>
/// A parsed YAML file: its root node, a JSON view of it for schema validation, and the map from JSON
/// paths back to YAML nodes so every schema error points at a line and column.
/// </summary>
internal sealed class YamlFile
{
    private readonly Dictionary<string, YamlNode> _nodesByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, YamlScalarNode> _keysByPath = new(StringComparer.Ordinal);
    private readonly HashSet<YamlNode> _invalid = new(ReferenceEqualityComparer.Instance);

    private YamlFile(string path, string text, YamlNode root)
    {
        Path = path;
        Text = text;
        Root = root;
        Json = ToJson(root, "#");
    }

    /// <summary>The path as it is shown in diagnostics (relative to where the user ran the tool).</summary>
    public string Path { get; }

    public string Text { get; }

    public YamlNode Root { get; }

    public JToken Json { get; }

    /// <summary>
    /// Loads a file, or reports why it cannot be loaded (one error) and returns null. Never throws for any text:
    /// <see cref="YamlGuard"/> refuses what could crash or slow the passes below before a tree is built.
    /// </summary>
    public static YamlFile? Load(string displayPath, string text, DiagnosticBag diagnostics)
    {
        // An editor's byte-order mark is invisible: drop it, so it neither becomes part of the first key nor shifts columns.
        if (text.StartsWith('\uFEFF')) text = text[1..];
        // YAML reads a lone CR as a line break, as editors do; one kind of break keeps every line count in step.
        if (text.Contains('\r', StringComparison.Ordinal)) text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (!YamlGuard.Check(displayPath, text, diagnostics)) return null;
        var scanner = new Scanner(new StringReader(text), skipComments: true);
        try
        {
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            if (stream.Documents.Count == 0)
            {
                diagnostics.ReportEmptyFile(new SourceLocation(displayPath, 1, 1));
                return null;
            }
            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                diagnostics.ReportNotAMapping(Location(displayPath, text, stream.Documents[0].RootNode));
                return null;
            }
            if (stream.Documents.Count > 1)
            {
                diagnostics.ReportMultipleDocuments(Location(displayPath, text, stream.Documents[1].RootNode));
            }
            var duplicate = FindDuplicateKey(root);
            if (duplicate is not null)
            {
                diagnostics.ReportDuplicateKey(Location(displayPath, text, duplicate), duplicate.Value ?? "");
                return null;
            }
            return new YamlFile(displayPath, text, root);
        }
        catch (YamlException ex)
        {
            // The guard has read the same events, so this is a duplicate key (found while building mappings).
            YamlGuard.ReportSyntax(displayPath, text, ex, scanner.CurrentPosition, diagnostics);
            return null;
        }
#pragma warning disable CA1031 // The tree builder also throws ArgumentException on some event orders the parser accepts (a key with no value at the end).
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            YamlGuard.ReportUnexpected(displayPath, text, scanner.CurrentPosition, null, diagnostics);
            return null;
        }
    }

    private static SourceLocation Location(string file, string text, YamlNode node)
    {
        // An empty node at the very end of the file ("key:" as the last line) is marked one line past it.
        if (node.Start.Index >= text.Length) return TextPosition.End(file, text);
        var length = node is YamlScalarNode s && s.End.Line == s.Start.Line ? (int)(s.End.Column - s.Start.Column) : 1;
        return new SourceLocation(file, (int)node.Start.Line, (int)node.Start.Column, Math.Max(1, length));
    }

    public SourceLocation Location(YamlNode node) => Location(Path, Text, node);

    /// <summary>The YAML node for a schema error path such as <c>#/route[1].channel</c>.</summary>
    public YamlNode? NodeAt(string jsonPath) => _nodesByPath.GetValueOrDefault(jsonPath);

    /// <summary>The key scalar of the property at a JSON path, for errors about the key itself.</summary>
    public YamlScalarNode? KeyAt(string jsonPath) => _keysByPath.GetValueOrDefault(jsonPath);

    /// <summary>Marks a node that failed schema validation, so later passes skip it instead of reporting again.</summary>
    public void MarkInvalid(YamlNode node) => _invalid.Add(node);

    /// <summary>True once schema validation reported anything; lints wait until the file's shape is right.</summary>
    public bool HasSchemaErrors { get; set; }

    public bool IsInvalid(YamlNode node) => _invalid.Contains(node);

    /// <summary>A map for offsets inside a scalar's value (gates and templates are checked inside YAML strings).</summary>
    public ScalarSourceMap SourceMap(YamlScalarNode node)
    {
        var kind = node.Style switch
        {
            ScalarStyle.SingleQuoted => ScalarKind.SingleQuoted,
            ScalarStyle.DoubleQuoted => ScalarKind.DoubleQuoted,
            ScalarStyle.Literal => ScalarKind.Literal,
            ScalarStyle.Folded => ScalarKind.Folded,
            _ => ScalarKind.Plain,
        };
        var indent = 0;
        if (kind is ScalarKind.Literal or ScalarKind.Folded)
        {
            // The content starts on the next line; its indentation is that line's leading spaces.
            var lines = Text.Split('\n');
            var next = (int)node.Start.Line; // 1-based line of the indicator == 0-based index of the next line
            if (next < lines.Length) indent = lines[next].Length - lines[next].TrimStart(' ').Length;
        }
        return new ScalarSourceMap(Path, (int)node.Start.Line, (int)node.Start.Column, kind, node.Value ?? "", indent);
    }

    private JToken ToJson(YamlNode node, string path)
    {
        _nodesByPath[path] = node;
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? key.ToString();
                    var childPath = path + (path == "#" ? "/" : ".") + name;
                    if (key is YamlScalarNode ks) _keysByPath[childPath] = ks;
                    obj[name] = ToJson(value, childPath);
                }
                return obj;
            case YamlSequenceNode seq:
                var array = new JArray();
                var i = 0;
                foreach (var item in seq.Children)
                {
                    array.Add(ToJson(item, $"{path}[{i}]"));
                    i++;
                }
                return array;
            case YamlScalarNode scalar:
                return ScalarToJson(scalar);
            default:
                return JValue.CreateNull();
        }
    }

    /// <summary>YAML 1.2 core schema: plain scalars may be null, booleans or numbers; quoted ones are always strings.</summary>
    private static JToken ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return new JValue(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return JValue.CreateNull();
            case "true" or "True" or "TRUE":
                return new JValue(true);
            case "false" or "False" or "FALSE":
                return new JValue(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return new JValue(l);
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return new JValue(d);
        }
        return new JValue(text);
    }

    private static YamlScalarNode? FindDuplicateKey(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlScalarNode ks && !seen.Add(ks.Value ?? "")) return ks;
                    if (FindDuplicateKey(value) is { } inner) return inner;
                }
                return null;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    if (FindDuplicateKey(item) is { } inner) return inner;
                }
                return null;
            default:
                return null;
        }
    }
}
