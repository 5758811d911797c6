using YamlDotNet.RepresentationModel;

namespace RetentionPlaybooks.Loading;

/// <summary>Typed reads from a YAML mapping that the schema has already checked; nodes it marked invalid read as absent.</summary>
internal static class YamlAccess
{
    public static YamlNode? Get(this YamlFile file, YamlMappingNode? map, string key)
    {
        if (map is null) return null;
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode ks && ks.Value == key) return file.IsInvalid(v) ? null : v;
        }
        return null;
    }

    public static YamlScalarNode? KeyNode(YamlMappingNode? map, string key)
    {
        if (map is null) return null;
        foreach (var k in map.Children.Keys)
        {
            if (k is YamlScalarNode ks && ks.Value == key) return ks;
        }
        return null;
    }

    public static YamlScalarNode? Scalar(this YamlFile file, YamlMappingNode? map, string key) =>
        file.Get(map, key) is YamlScalarNode s && !IsNull(s) ? s : null;

    public static YamlMappingNode? Mapping(this YamlFile file, YamlMappingNode? map, string key) =>
        file.Get(map, key) as YamlMappingNode;

    public static YamlSequenceNode? Sequence(this YamlFile file, YamlMappingNode? map, string key) =>
        file.Get(map, key) as YamlSequenceNode;

    public static bool IsNull(YamlScalarNode s) =>
        s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value is null or "" or "~" or "null";

    /// <summary>The entries with a scalar key whose value the schema did not refuse.</summary>
    public static IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries(this YamlFile file, YamlMappingNode? map) =>
        AllEntries(map).Where(e => !file.IsInvalid(e.Value));

    /// <summary>Every entry with a scalar key, its value valid or not (for a binder that still declares what the schema refused).</summary>
    public static IEnumerable<(YamlScalarNode Key, YamlNode Value)> AllEntries(YamlMappingNode? map)
    {
        if (map is null) yield break;
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode ks) yield return (ks, v);
        }
    }
}
