using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>One way to write Track API JSON, so that the size a limit is checked against is the size that is sent:
/// compact, non-ASCII as UTF-8 rather than \u escapes (which would make "é" six bytes instead of two).</summary>
internal static class TrackJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    public static byte[] Utf8(JsonNode? node) => Encoding.UTF8.GetBytes(node?.ToJsonString(Options) ?? "null");

    /// <summary>How many bytes Customer.io counts for an attribute value: a string's own UTF-8 bytes, anything else its JSON text.</summary>
    public static int ValueBytes(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? Encoding.UTF8.GetByteCount(s) : Utf8(value).Length;
}
