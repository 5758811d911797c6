using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Host.CustomerIo;

/// <summary>
/// A typed client for the two Customer.io Track API v1 calls write-back makes, plus a credential check. Every call returns
/// a classified <see cref="TrackCall"/> instead of throwing, so a sender can decide between retry, wait and give up; only
/// the caller's own cancellation and a request this client refuses to send throw. The key and bodies never reach an error.
/// </summary>
internal sealed class TrackApiClient
{
    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

    /// <summary>Used when a 429 has no usable Retry-After header.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly TrackApiOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _baseUrl;
    private readonly AuthenticationHeaderValue _authorization;

    public TrackApiClient(HttpClient http, TrackApiOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(
                "Customer.io Track API options are invalid:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)),
                nameof(options));
        }

        _http = http;
        _options = options;
        _time = time ?? TimeProvider.System;
        _baseUrl = options.NormalizedBaseUrl;
        _authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.SiteId + ":" + options.TrackApiKey)));
    }

    /// <summary>Sends an attribute update or an event (see <see cref="TrackRequest"/>).</summary>
    /// <exception cref="ArgumentException">A request <see cref="TrackRequest.Problem"/> refuses: above all, anything that could
    /// reach <c>customers/{id}/suppress</c>, which deletes the person. Nothing is sent.</exception>
    public Task<TrackCall> SendAsync(TrackRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TrackRequest.Problem(request.Method, request.Path) is { } problem) throw new ArgumentException(problem, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Body);

        var url = new Uri(_baseUrl, request.Path);
        // The URL parser must have appended the path as it is (no dot segments resolved, no escapes undone), or the call would
        // go somewhere Problem did not look at.
        if (!string.Equals(url.AbsoluteUri, _baseUrl.AbsoluteUri + request.Path, StringComparison.Ordinal) || TrackRequest.HasSuppressSegment(url.AbsolutePath))
        {
            throw new ArgumentException("the path does not stay one customer id under the base URL once parsed", nameof(request));
        }

        var body = TrackJson.Utf8(request.Body);
        var method = request.Method == TrackRequest.Put ? HttpMethod.Put : HttpMethod.Post;
        return CallAsync(method, url, body, readRegion: false, ct);
    }

    /// <summary><c>GET accounts/region</c>: checks the site id and key (401 when wrong) and reports the workspace's region.</summary>
    public Task<TrackCall> CheckAsync(CancellationToken ct) =>
        CallAsync(HttpMethod.Get, new Uri(_baseUrl, "accounts/region"), body: null, readRegion: true, ct);

    private async Task<TrackCall> CallAsync(HttpMethod method, Uri url, byte[]? body, bool readRegion, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = _authorization;
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonUtf8;
        }

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return Classify(response, answer, readRegion);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Ours or HttpClient.Timeout. Customer.io may still have taken the call; repeating it is harmless.
            return TrackCall.Transient(
                timeout.IsCancellationRequested ? $"timeout: no answer within {_options.Timeout.TotalSeconds:0.###} s" : "timeout: HttpClient.Timeout elapsed",
                null);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            // Refused, reset, DNS, TLS. The exception's text is left out: it can quote the URL, and with it a customer id.
            return TrackCall.Transient($"connection_failed: {e.HttpRequestError}", e.StatusCode is { } s ? (int)s : null);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            return TrackCall.Transient("connection_failed: the answer was cut off", null);
        }
    }

    private TrackCall Classify(HttpResponseMessage response, byte[] answer, bool readRegion)
    {
        // Customer.io's error bodies are not copied into Error: they can quote the values they refuse.
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return TrackCall.Success(status, readRegion ? Region(answer) : null);
        if (status == 429) return TrackCall.RateLimited(status, RetryAfter(response));
        if (status == 408 || status >= 500) return TrackCall.Transient($"http_{status}", status);
        return TrackCall.Permanent(status switch
        {
            400 => "http_400: Customer.io refused the request (a limit or malformed JSON)",
            401 => "http_401: the site id and Track API key were not accepted",
            403 => "http_403: the Track API key may not do this",
            404 => "http_404: no such Track API path (check the base URL)",
            _ => $"http_{status}",
        }, status);
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta && delta >= TimeSpan.Zero) return delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return DefaultRetryAfter;
    }

    /// <summary>The data_center of an accounts/region answer, when it is a short plain word.</summary>
    private static string? Region(byte[] answer)
    {
        try
        {
            return JsonNode.Parse(answer) is JsonObject json
                && json["data_center"] is JsonValue v && v.TryGetValue<string>(out var region)
                && region.Length is > 0 and <= 16 && region.All(char.IsAsciiLetterOrDigit)
                ? region
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
