using System.Security.Cryptography;
using System.Text;
using RetentionPlaybooks.Host.Configuration;

namespace RetentionPlaybooks.Host.Health;

/// <summary>
/// Guards the operator's pages. With <c>Operator:Token</c> set, a request must carry <c>Authorization: Bearer &lt;token&gt;</c>
/// (compared in constant time; 401 otherwise). Without it, only this machine may ask: a loopback connection that no proxy
/// forwarded (a request through a local reverse proxy carries X-Forwarded-For or Forwarded, and is refused 403), or a
/// connection with no IP address at all (a Unix socket). Webhooks, Slack and /health keep their own rules.
/// </summary>
internal sealed class OperatorAccess(OperatorOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext) is { } refused ? ValueTask.FromResult<object?>(refused) : next(context);

    /// <summary>Why this request may not read an operator page (401 or 403, as problem+json), or null when it may.</summary>
    public IResult? Refusal(HttpContext http)
    {
        if (options.Token is { Length: > 0 } token)
        {
            if (TokenMatches(http.Request.Headers.Authorization.ToString(), token)) return null;
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"RetentionPlaybooks operator\"";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "operator token required",
                detail: "send Authorization: Bearer <Operator__Token>");
        }
        if (IsLocal(http)) return null;
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "operator pages answer this machine only",
            detail: "set Operator__Token on the host and send Authorization: Bearer <token> to read them from elsewhere");
    }

    /// <summary>"Bearer &lt;token&gt;" exactly (the scheme's case aside), compared without leaking where it differs.</summary>
    internal static bool TokenMatches(string header, string token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        // Hashes of equal length, so neither the length nor the first difference shows in the time taken.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..]));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    internal static bool IsLocal(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Real-IP")) return false;
        return http.Connection.RemoteIpAddress is not { } address || System.Net.IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}

internal static class OperatorAccessExtensions
{
    /// <summary>Puts an operator page behind <see cref="OperatorAccess"/>.</summary>
    public static TBuilder ForOperators<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, OperatorAccess>();
}
