using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// Every bounded setting at its edges, through the host's own settings loading (binding, then SettingsValidator): the minimum
/// and the maximum are taken; one tick (a duration) or one unit (a count) past either is refused with a single problem naming
/// the key. The bounds are written out here, so a moved bound fails too.
/// </summary>
public sealed class SettingsRangeTests
{
    /// <summary>Each duration setting with its documented range.</summary>
    private static readonly (string Key, TimeSpan Min, TimeSpan Max)[] Durations =
    [
        ("Store:BusyTimeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
        ("Store:Lease", TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
        ("Store:KeepPayloads", TimeSpan.FromDays(8), TimeSpan.FromDays(3650)),
        ("Slack:Timeout", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)),
        ("Slack:SignatureTolerance", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15)),
        ("CustomerIo:SignatureTolerance", TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)),
        ("CustomerIo:TrackApiTimeout", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)),
        ("CustomerIo:TrackApiInterval", TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10)),
        ("Delivery:PerChannelInterval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ("Delivery:RetryBaseDelay", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ("Delivery:RetryMaxDelay", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        ("Health:MaxInboxAge", TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
        ("Health:MaxDeliveryAge", TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
        ("Health:RecentProblemWindow", TimeSpan.FromHours(1), TimeSpan.FromDays(30)),
    ];

    /// <summary>Each count setting with its documented range.</summary>
    private static readonly (string Key, long Min, long Max)[] Counts =
    [
        ("Store:MaxSizeMegabytes", 1, 1_000_000),
        ("Slack:MaxInteractionBytes", 4096, 16 * 1024 * 1024),
        ("CustomerIo:MaxBodyBytes", 1024, 32 * 1024 * 1024),
        ("Health:FailingAttempts", 1, 100),
    ];

    public static TheoryData<string, string, bool> DurationEdges()
    {
        var data = new TheoryData<string, string, bool>();
        var tick = TimeSpan.FromTicks(1);
        foreach (var (key, min, max) in Durations)
        {
            data.Add(key, (min - tick).ToString("c", CultureInfo.InvariantCulture), false);
            data.Add(key, min.ToString("c", CultureInfo.InvariantCulture), true);
            data.Add(key, max.ToString("c", CultureInfo.InvariantCulture), true);
            data.Add(key, (max + tick).ToString("c", CultureInfo.InvariantCulture), false);
        }
        return data;
    }

    public static TheoryData<string, string, bool> CountEdges()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (key, min, max) in Counts)
        {
            data.Add(key, (min - 1).ToString(CultureInfo.InvariantCulture), false);
            data.Add(key, min.ToString(CultureInfo.InvariantCulture), true);
            data.Add(key, max.ToString(CultureInfo.InvariantCulture), true);
            data.Add(key, (max + 1).ToString(CultureInfo.InvariantCulture), false);
        }
        return data;
    }

    /// <summary>Secrets and names measured in characters: the shortest secret is 16; a host's name and a team id have a longest.</summary>
    public static TheoryData<string, string, bool> LengthEdges()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var key in new[] { "CustomerIo:JourneySecret", "CustomerIo:ReportingSigningKey", "CustomerIo:PipelinesSecret", "Operator:Token" })
        {
            data.Add(key, new string('s', 15), false);
            data.Add(key, new string('s', 16), true);
        }
        data.Add("Store:Owner", new string('h', 200), true);
        data.Add("Store:Owner", new string('h', 201), false);
        data.Add("Slack:TeamId", "T" + new string('0', 31), true);
        data.Add("Slack:TeamId", "T" + new string('0', 32), false);
        return data;
    }

    /// <summary>Values of the right length but the wrong shape, and the empty value that means "not set".</summary>
    public static TheoryData<string, string, bool> ShapeEdges() => new()
    {
        { "Slack:TeamId", "T0ABC12", true },
        { "Slack:TeamId", "T0ABC-12", false },        // every character a letter or digit, not just one
        { "Slack:TeamId", "U0ABC12", false },
        { "CustomerIo:ReportingSigningKey", "", true }, // empty: not set, not "too short"
        { "CustomerIo:TrackApiBaseUrl", "https://track-eu.customer.io/api/v1/", true },
        { "CustomerIo:TrackApiBaseUrl", "http://127.0.0.1:8080/api/v1/", true },
        { "CustomerIo:TrackApiBaseUrl", "ftp://track.customer.io/", false },
        { "CustomerIo:TrackApiBaseUrl", "track.customer.io", false },
        { "CustomerIo:AllowedNetworks", "203.0.113.0/24, 2001:db8::/32", true },
        { "CustomerIo:AllowedNetworks", "203.0.113.0/24, customer.io", false },
    };

    [Theory]
    [MemberData(nameof(DurationEdges))]
    [MemberData(nameof(CountEdges))]
    [MemberData(nameof(LengthEdges))]
    [MemberData(nameof(ShapeEdges))]
    public void LoadSettings_AtAndPastEachBound_TakesTheBoundAndRefusesPastIt(string key, string value, bool taken)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Playbooks:Directory"] = RepoPaths.Playbooks,
            ["CustomerIo:JourneySecret"] = HostApp.JourneySecret,
            [key] = value,
        }).Build();

        if (taken)
        {
            HostComposition.LoadSettings(config);
            return;
        }
        var ex = Assert.Throws<HostConfigurationException>(() => { HostComposition.LoadSettings(config); });
        Assert.StartsWith(key + " ", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }
}
