namespace RetentionPlaybooks.Host.Configuration;

/// <summary>Where the playbooks live. Key: <c>Playbooks:Directory</c> (env <c>Playbooks__Directory</c>); default "playbooks".</summary>
internal sealed class PlaybooksOptions
{
    public const string Section = "Playbooks";

    public string Directory { get; set; } = "playbooks";

    /// <summary>Reload when a file changes (keeping the last good set if the change is invalid). Default true.</summary>
    public bool Watch { get; set; } = true;
}

/// <summary>The store. Key: <c>Store:Sqlite</c>, the database file; default "data/retention-playbooks.db", created on first run.
/// With <c>Store:Postgres</c> set, PostgreSQL instead (several hosts on one database).</summary>
internal sealed class StoreOptions
{
    public const string Section = "Store";

    public string Sqlite { get; set; } = Path.Combine("data", "retention-playbooks.db");

    /// <summary>
    /// A PostgreSQL connection string (Npgsql's: <c>Host=db;Port=5432;Database=rp;Username=rp;Password=...</c>). When set, the
    /// store is PostgreSQL — the store to use for several hosts on one database — and <see cref="Sqlite"/> is not used; the
    /// schema is created and migrated at start-up. Unset (the default): the embedded SQLite store.
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// How long a processed webhook body (customer data) is kept before it is blanked; its delivery id and the
    /// decisions stay, so redeliveries are still recognised. Between 8 days (longer than Customer.io's 7 days of
    /// retries) and 10 years; the default is 30 days.
    /// </summary>
    public TimeSpan KeepPayloads { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a write waits for a database another process holds locked before it fails (a webhook is then
    /// answered 503, and Customer.io retries it). Between 1 s and 1 min; the default is 3 s, under the 4 s
    /// Customer.io waits for an answer.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Optional cap on the database file's size, in megabytes (unset: none). At the cap the host behaves as on a
    /// full disk: webhooks are answered 503 (Customer.io retries them), processing waits, /health says so; nothing
    /// accepted is lost. Use it to keep the host from filling a disk it shares.
    /// </summary>
    public int? MaxSizeMegabytes { get; set; }

    /// <summary>
    /// Who this host is, in the store's leases: a host that restarts under the same name takes its own unfinished work
    /// back at once (a delivery it was sending is looked up in Slack first); another host's waits until its lease expires.
    /// Give each host on one database its own name. The default is the machine's name.
    /// </summary>
    public string Owner { get; set; } = Environment.MachineName;

    /// <summary>
    /// How long a claim on inbox records or a delivery holds before another host may take it over (its holder is
    /// presumed dead). Longer than any one send or batch takes; between 10 s and 1 h; the default is 5 min.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Slack. Without a bot token, messages go to the local preview sink (console and /preview) instead.</summary>
internal sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Bot token (xoxb-...); scopes chat:write, chat:write.public, channels:history, groups:history, im:history.</summary>
    public string? BotToken { get; set; }

    /// <summary>Web API base; method names are appended. Default https://slack.com/api/.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>Signing secret for interactivity requests (buttons): without it, POST /slack/interactivity refuses every request.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// The Slack workspace (team id, T…) whose clicks are accepted. Unset: the workspace the bot token belongs to
    /// (auth.test). Needed only without a bot token (the preview sink).
    /// </summary>
    public string? TeamId { get; set; }

    /// <summary>How far a request's X-Slack-Request-Timestamp may be from now (Slack says 5 minutes).</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest interactivity request accepted (a block_actions payload repeats the whole message). Default 1 MiB.</summary>
    public int MaxInteractionBytes { get; set; } = 1024 * 1024;

    /// <summary>Per-request timeout. Must be between 1 s and 60 s; the default is 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The three ways in from Customer.io, each with its own credential; a source without one is switched off.</summary>
internal sealed class CustomerIoOptions
{
    public const string Section = "CustomerIo";

    /// <summary>Shared secret the Journey webhook action sends in header X-Webhook-Secret.</summary>
    public string? JourneySecret { get; set; }

    /// <summary>Signing key of reporting webhooks (X-CIO-Signature).</summary>
    public string? ReportingSigningKey { get; set; }

    /// <summary>Shared secret of the Data Pipelines webhook destination (X-Signature).</summary>
    public string? PipelinesSecret { get; set; }

    /// <summary>How far a signed timestamp may be from now. Must be between 30 s and 1 h; the default is 5 min.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Comma-separated CIDR ranges (Customer.io's fixed egress IPs) webhooks must come from; empty allows any
    /// address. Behind a reverse proxy, also set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true so the client address is seen.
    /// </summary>
    public string? AllowedNetworks { get; set; }

    /// <summary>The parsed <see cref="AllowedNetworks"/>; empty when unset.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Networks() =>
        (AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => System.Net.IPNetwork.TryParse(n, out var network) ? network : throw new FormatException(n))
            .ToList();

    /// <summary>Largest accepted request body in bytes. Must be between 1 KiB and 32 MiB; the default is 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Track API site id (write-back); with <see cref="TrackApiKey"/>. Without both, write-back goes to the preview sink.</summary>
    public string? SiteId { get; set; }

    /// <summary>Track API key (HTTP Basic with the site id). Never logged.</summary>
    public string? TrackApiKey { get; set; }

    /// <summary>Track API base URL; by default from workspace.yaml's region (https://track.customer.io/api/v1/ or
    /// https://track-eu.customer.io/api/v1/). Paths such as customers/{id}/events are appended.</summary>
    public string? TrackApiBaseUrl { get; set; }

    /// <summary>How long one Track API call may take. Between 1 s and 60 s; default 10 s.</summary>
    public TimeSpan TrackApiTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between the starts of two Track API calls, fleet-wide (Customer.io's fair use is about 100
    /// requests/s; the default keeps every second at 100 calls at most, with no burst after a quiet spell).
    /// Between 1 ms and 10 s; default 10 ms.</summary>
    public TimeSpan TrackApiInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Whether write-back goes to Customer.io (both credentials set).</summary>
    public bool HasTrackCredentials => !string.IsNullOrEmpty(SiteId) && !string.IsNullOrEmpty(TrackApiKey);
}

/// <summary>Pacing and retries of Slack delivery.</summary>
internal sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Least time between two messages to one channel (Slack allows about 1 per second). Between 100 ms and 1 min; default 1 s.</summary>
    public TimeSpan PerChannelInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay after a 5xx or timeout; doubles each attempt. Between 100 ms and 1 min; default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay. Between 1 s and 1 h; default 5 min. Transient failures are retried until they succeed.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>When /health says "degraded": the thresholds it judges the store's figures by.</summary>
internal sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Oldest unprocessed webhook before the inbox counts as stuck. Between 5 s and 1 h; default 1 min.</summary>
    public TimeSpan MaxInboxAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Oldest undelivered escalation before delivery counts as stuck. Between 1 min and 1 day; default 15 min.</summary>
    public TimeSpan MaxDeliveryAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed attempts in a row after which a delivery counts as failing. Between 1 and 100; default 3.</summary>
    public int FailingAttempts { get; set; } = 3;

    /// <summary>How long a dead letter or a quarantined webhook keeps /health degraded. Between 1 h and 30 days; default 1 day.</summary>
    public TimeSpan RecentProblemWindow { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Who may read the operator's pages (/decisions, /dead-letters, /quarantine, /preview).</summary>
internal sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>With it, the operator's pages want <c>Authorization: Bearer &lt;token&gt;</c>; without it, they answer only
    /// requests from this machine (loopback, not forwarded by a proxy). At least 16 characters.</summary>
    public string? Token { get; set; }
}
