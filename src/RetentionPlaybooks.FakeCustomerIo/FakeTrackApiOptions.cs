namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>How a fake Track API behaves beyond its credentials. Created once per server.</summary>
internal sealed class FakeTrackApiOptions
{
    /// <summary>The clock for recorded times. Tests may pass a FakeTimeProvider; held-back answers wait real time regardless.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>What GET accounts/region reports as data_center.</summary>
    public string Region { get; init; } = "us";

    /// <summary>Accept any non-empty Basic credentials (standalone mode without --site-id/--api-key).</summary>
    public bool AcceptAnyCredentials { get; init; }

    /// <summary>Where to print one line per request (standalone mode); null for silence.</summary>
    public TextWriter? Echo { get; init; }
}
