using System.Text;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>Customer.io's documented Track API v1 limits (DOMAIN.md), checked before a call is queued: a call over a limit is
/// refused with a 400 that no retry fixes, so it is better refused where the mistake is made. Sizes are UTF-8 bytes.</summary>
internal static class TrackLimits
{
    public const int MaxEventNameBytes = 100;
    public const int MaxEventDataBytes = 100_000;
    public const int MaxAttributeNameBytes = 150;
    public const int MaxAttributeValueBytes = 1000;
    public const int MaxAttributesPerUpdate = 300;

    /// <summary>Throws when <paramref name="attributes"/> breaks a limit. Messages name the attribute, never quote its value.</summary>
    public static void CheckAttributes(JsonObject attributes)
    {
        if (attributes.Count == 0)
        {
            throw new ArgumentException("an attribute update needs at least one attribute", nameof(attributes));
        }

        if (attributes.Count > MaxAttributesPerUpdate)
        {
            throw new ArgumentException(
                $"an attribute update has {attributes.Count} attributes; Customer.io accepts at most {MaxAttributesPerUpdate} per call", nameof(attributes));
        }

        foreach (var (name, value) in attributes)
        {
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            if (nameBytes == 0 || string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("an attribute name must not be empty", nameof(attributes));
            }

            if (nameBytes > MaxAttributeNameBytes)
            {
                throw new ArgumentException(
                    $"attribute name \"{Shorten(name)}\" is {nameBytes} bytes; Customer.io accepts at most {MaxAttributeNameBytes}", nameof(attributes));
            }

            var valueBytes = TrackJson.ValueBytes(value);
            if (valueBytes > MaxAttributeValueBytes)
            {
                throw new ArgumentException(
                    $"the value of attribute \"{Shorten(name)}\" is {valueBytes} bytes; Customer.io accepts at most {MaxAttributeValueBytes}", nameof(attributes));
            }
        }
    }

    /// <summary>Throws when an event's name or data breaks a limit.</summary>
    public static void CheckEvent(string name, JsonObject data)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("an event needs a name", nameof(name));
        }

        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxEventNameBytes)
        {
            throw new ArgumentException($"event name \"{Shorten(name)}\" is {nameBytes} bytes; Customer.io accepts at most {MaxEventNameBytes}", nameof(name));
        }

        var dataBytes = TrackJson.Utf8(data).Length;
        if (dataBytes > MaxEventDataBytes)
        {
            throw new ArgumentException($"the data of event \"{Shorten(name)}\" is {dataBytes} bytes of JSON; Customer.io accepts at most {MaxEventDataBytes}", nameof(data));
        }
    }

    /// <summary>Names are ours (retention_hold_until), not customer data, but an overlong one is noise in full.</summary>
    private static string Shorten(string name) => name.Length <= 40 ? name : name[..40] + "…";
}
