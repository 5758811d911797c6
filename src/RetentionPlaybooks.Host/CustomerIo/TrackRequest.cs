using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>
/// One Track API v1 call: <c>PUT customers/{id}</c> with attributes, or <c>POST customers/{id}/events</c> with an event.
/// <paramref name="Path"/> is relative to the base URL with the customer id already percent-escaped; build requests with
/// <see cref="Attributes"/> and <see cref="Event"/>, which escape the id and check Customer.io's limits.
/// </summary>
internal sealed record TrackRequest(string Method, string Path, JsonObject Body)
{
    public const string Put = "PUT";
    public const string Post = "POST";

    /// <summary>The segment of Customer.io's suppress call, which deletes the person and their data for good.</summary>
    public const string SuppressSegment = "suppress";

    private const string Customers = "customers";
    private const string Events = "events";
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary><c>PUT customers/{id}</c>: sets <paramref name="attributes"/> on the person (a copy is taken). The id may be an
    /// id, an email or <c>cio_id:…</c>; it is escaped into one path segment.</summary>
    /// <exception cref="ArgumentException">No attribute, more than 300, a name over 150 bytes or a value over 1000 bytes.</exception>
    public static TrackRequest Attributes(string customerId, JsonObject attributes)
    {
        var segment = CustomerSegment(customerId);
        ArgumentNullException.ThrowIfNull(attributes);
        TrackLimits.CheckAttributes(attributes);
        var path = $"{Customers}/{segment}";
        if (Problem(Put, path) is { } problem) throw new ArgumentException(problem, nameof(customerId));
        return new TrackRequest(Put, path, attributes.DeepClone().AsObject());
    }

    /// <summary><c>POST customers/{id}/events</c> with <c>{"name", "id", "timestamp", "data"}</c>. <paramref name="ulid"/> is the
    /// event's id: Customer.io drops an event whose id it has seen, which is what makes a resend harmless.</summary>
    /// <exception cref="ArgumentException">A name over 100 bytes, data over 100,000 bytes, or an id that is not a ULID.</exception>
    public static TrackRequest Event(string customerId, string name, string ulid, DateTimeOffset timestamp, JsonObject data)
    {
        var segment = CustomerSegment(customerId);
        var path = $"{Customers}/{segment}/{Events}";
        if (Problem(Post, path) is { } problem) throw new ArgumentException(problem, nameof(customerId));
        ArgumentNullException.ThrowIfNull(data);
        TrackLimits.CheckEvent(name, data);
        if (!IsUlid(ulid))
        {
            throw new ArgumentException("an event id must be a ULID (26 Crockford base32 characters): Customer.io deduplicates on it", nameof(ulid));
        }

        var body = new JsonObject
        {
            ["name"] = name,
            ["id"] = ulid,
            ["timestamp"] = timestamp.ToUnixTimeSeconds(),
            ["data"] = data.DeepClone(),
        };
        return new TrackRequest(Post, path, body);
    }

    /// <summary>Why this request must not be sent, or null when it may. Only the two calls above pass: anything else on
    /// customers/ (DELETE, /suppress, /devices) can delete or change more than write-back means to. Never quotes the id.</summary>
    public static string? Problem(string? method, string? path)
    {
        if (path is null) return "the path is missing";
        if (HasSuppressSegment(path))
        {
            return "refused: the path has a \"suppress\" segment, and Customer.io's suppress call deletes the person for good";
        }

        var segments = path.Split('/');
        var expected = method switch
        {
            Put => 2,
            Post => 3,
            _ => -1,
        };
        if (expected < 0) return "the method must be PUT (attributes) or POST (an event)";
        if (segments.Length != expected || segments[0] != Customers || (method == Post && segments[2] != Events))
        {
            return method == Put ? "a PUT goes to customers/{id}" : "a POST goes to customers/{id}/events";
        }

        var id = segments[1];
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(id);
        }
        catch (UriFormatException)
        {
            return "the customer id in the path is not percent-escaped correctly";
        }

        if (decoded is "." or "..")
        {
            // Escaping leaves dots alone, and a URL parser would read these as "this folder" and "the parent".
            return "a customer id of \".\" or \"..\" cannot be put into a path";
        }

        // Escaped exactly as Uri.EscapeDataString does it: nothing raw that a URL parser could read as ?, # or another segment.
        if (string.IsNullOrWhiteSpace(decoded) || !string.Equals(Uri.EscapeDataString(decoded), id, StringComparison.Ordinal))
        {
            return "the customer id in the path must be one non-empty segment escaped with Uri.EscapeDataString";
        }

        return null;
    }

    /// <summary>Whether any segment of <paramref name="path"/>, or any part of one once unescaped (a%2Fsuppress), is "suppress"
    /// in any case. Stricter than Customer.io's routing on purpose: the call it guards cannot be undone.</summary>
    public static bool HasSuppressSegment(string path)
    {
        foreach (var segment in path.Split('/', '?', '#', ';'))
        {
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(segment);
            }
            catch (UriFormatException)
            {
                decoded = segment;
            }

            foreach (var part in decoded.Split('/', '\\', '?', '#', ';'))
            {
                if (string.Equals(part.Trim(), SuppressSegment, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="value"/> is a ULID: 26 Crockford base32 characters whose first is at most 7 (128 bits).</summary>
    public static bool IsUlid(string? value) =>
        value is { Length: 26 }
        && value[0] is >= '0' and <= '7'
        && value.All(c => Crockford.Contains(char.ToUpperInvariant(c), StringComparison.Ordinal));

    private static string CustomerSegment(string customerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return Uri.EscapeDataString(customerId);
    }
}
