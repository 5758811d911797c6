namespace RetentionPlaybooks.FakeSlack;

/// <summary>The failures the fake can inject into chat.postMessage.</summary>
internal enum FakeSlackFaultKind
{
    /// <summary>Answer with an HTTP status (500, 503...) and a plain-text body; nothing is posted.</summary>
    HttpStatus,

    /// <summary>Answer 429 with Retry-After and error ratelimited, whatever the pacing; nothing is posted.</summary>
    RateLimit,

    /// <summary>Answer HTTP 200 ok:false with a Slack error code; nothing is posted.</summary>
    SlackError,

    /// <summary>Answer HTTP 200 with an HTML page instead of JSON (a proxy's error page); nothing is posted.</summary>
    NotJson,

    /// <summary>Post the message, then wait (real time) before answering.</summary>
    Delay,

    /// <summary>Post the message, then abort the connection without answering.</summary>
    LoseResponse,
}
