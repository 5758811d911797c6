using RetentionPlaybooks.Diagnostics;
using RetentionPlaybooks.Loading;
using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.DataModel;

/// <summary>Builds <see cref="DataModelSymbols"/> from a schema-checked data-model.yaml.</summary>
internal static class DataModelBinder
{
    public static DataModelSymbols Bind(YamlFile file, DiagnosticBag diagnostics)
    {
        var root = (YamlMappingNode)file.Root;
        var customer = Fields(file, file.Mapping(root, "customer"), "customer");
        var events = new Dictionary<string, EventSymbol>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Entries(file.Mapping(root, "events")))
        {
            var map = value as YamlMappingNode;
            var props = Fields(file, file.Mapping(map, "properties"), "event");
            events[key.Value!] = new EventSymbol(key.Value!, file.Scalar(map, "description")?.Value, props);
        }
        var segments = new Dictionary<string, SegmentSymbol>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Entries(file.Mapping(root, "segments")))
        {
            var map = value as YamlMappingNode;
            _ = long.TryParse(file.Scalar(map, "id")?.Value, out var id);
            segments[key.Value!] = new SegmentSymbol(key.Value!, id, file.Scalar(map, "description")?.Value);
        }
        _ = diagnostics;
        return new DataModelSymbols(customer, events, segments);
    }

    private static Dictionary<string, FieldSymbol> Fields(YamlFile file, YamlMappingNode? map, string prefix)
    {
        var fields = new Dictionary<string, FieldSymbol>(StringComparer.Ordinal);
        // Every key, its value valid or not: a field whose type the schema refused is still declared (below).
        foreach (var (key, value) in YamlAccess.AllEntries(map))
        {
            var path = prefix + "." + key.Value;
            if (Field(file, value, path, key.Value!) is { } field) fields[key.Value!] = field;
        }
        return fields;
    }

    private static FieldSymbol? Field(YamlFile file, YamlNode node, string path, string name)
    {
        if (node is YamlScalarNode scalar)
        {
            // A misspelt type is the schema's error; the field is still declared (of the error type), so the playbooks that
            // read it get no second "unknown field" error for the same typo.
            return new FieldSymbol(path, name, DataType.FromScalarName(scalar.Value ?? "") ?? DataType.Error);
        }
        if (node is not YamlMappingNode map) return null;
        var typeName = file.Scalar(map, "type")?.Value;
        var pii = file.Scalar(map, "pii")?.Value;
        var description = file.Scalar(map, "description")?.Value;
        DataType? type = typeName switch
        {
            "list" => file.Get(map, "items") switch
            {
                YamlScalarNode s when DataType.FromScalarName(s.Value ?? "") is { } element => DataType.ListOf(element),
                YamlMappingNode props => DataType.ListOf(DataType.ObjectOf(Fields(file, props, path + "[]"))),
                _ => DataType.ListOf(DataType.String),
            },
            "object" => DataType.ObjectOf(Fields(file, file.Mapping(map, "properties"), path)),
            _ => DataType.FromScalarName(typeName ?? "") ?? DataType.Error,
        };
        return new FieldSymbol(path, name, type, pii, description);
    }
}
