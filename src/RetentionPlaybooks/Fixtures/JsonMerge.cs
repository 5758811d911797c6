using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Fixtures;

/// <summary>Merges a test case's payload over its base: objects merge key by key, null removes a key, anything else replaces.</summary>
internal static class JsonMerge
{
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }
        return result;
    }
}
