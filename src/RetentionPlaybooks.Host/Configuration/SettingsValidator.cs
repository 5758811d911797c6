namespace RetentionPlaybooks.Host.Configuration;

/// <summary>Checks every setting at start-up and reports all problems together, each naming its key.</summary>
internal static class SettingsValidator
{
    private static bool IsConnectionString(string value)
    {
        try
        {
            return new Npgsql.NpgsqlConnectionStringBuilder(value).Host is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static IReadOnlyList<string> Validate(PlaybooksOptions playbooks, StoreOptions store, SlackOptions slack, CustomerIoOptions cio, DeliveryOptions delivery, HealthOptions health)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(playbooks.Directory)) problems.Add("Playbooks:Directory is empty; set it to the folder holding workspace.yaml");
        else if (!System.IO.Directory.Exists(playbooks.Directory)) problems.Add($"Playbooks:Directory \"{playbooks.Directory}\" does not exist (working directory {Environment.CurrentDirectory})");
        if (store.Postgres is { } postgres)
        {
            // The connection string is not quoted back: it holds a password.
            if (string.IsNullOrWhiteSpace(postgres)) problems.Add("Store:Postgres is empty; set it to a connection string such as Host=db;Database=rp;Username=rp;Password=..., or unset it for SQLite");
            else if (!IsConnectionString(postgres)) problems.Add("Store:Postgres is not a valid PostgreSQL connection string (Npgsql's Key=Value;... form, e.g. Host=db;Database=rp;Username=rp;Password=...)");
            else if (store.MaxSizeMegabytes is not null) problems.Add("Store:MaxSizeMegabytes caps a SQLite file; with Store:Postgres, cap the database in PostgreSQL instead, and unset it");
        }
        else if (string.IsNullOrWhiteSpace(store.Sqlite)) problems.Add("Store:Sqlite is empty; set it to a database file path such as data/retention-playbooks.db");
        if (!Uri.TryCreate(slack.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"Slack:ApiBaseUrl \"{slack.ApiBaseUrl}\" is not an http(s) URL");
        }
        if (slack.BotToken is { Length: > 0 } token && !token.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            problems.Add("Slack:BotToken must be a bot token starting with \"xoxb-\"");
        }
        Range(problems, "Store:BusyTimeout", store.BusyTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Range(problems, "Store:Lease", store.Lease, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        if (string.IsNullOrWhiteSpace(store.Owner) || store.Owner.Length > 200) problems.Add("Store:Owner must name this host in 1 to 200 characters (the default is the machine's name)");
        if (store.MaxSizeMegabytes is < 1 or > 1_000_000) problems.Add($"Store:MaxSizeMegabytes must be between 1 and 1000000 (or unset for no cap); it is {store.MaxSizeMegabytes}");
        Range(problems, "Store:KeepPayloads", store.KeepPayloads, TimeSpan.FromDays(8), TimeSpan.FromDays(3650));
        Range(problems, "Slack:Timeout", slack.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Range(problems, "Slack:SignatureTolerance", slack.SignatureTolerance, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
        if (slack.MaxInteractionBytes is < 4096 or > 16 * 1024 * 1024) problems.Add($"Slack:MaxInteractionBytes must be between 4096 and 16777216; it is {slack.MaxInteractionBytes}");
        if (slack.TeamId is { Length: > 0 } team && (team[0] != 'T' || team.Length > 32 || !team.All(char.IsAsciiLetterOrDigit)))
        {
            problems.Add($"Slack:TeamId \"{team}\" is not a Slack team id (T followed by letters and digits)");
        }
        Range(problems, "CustomerIo:SignatureTolerance", cio.SignatureTolerance, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        if (cio.MaxBodyBytes is < 1024 or > 32 * 1024 * 1024) problems.Add($"CustomerIo:MaxBodyBytes must be between 1024 and 33554432; it is {cio.MaxBodyBytes}");
        foreach (var (key, value) in new[] { ("CustomerIo:JourneySecret", cio.JourneySecret), ("CustomerIo:ReportingSigningKey", cio.ReportingSigningKey), ("CustomerIo:PipelinesSecret", cio.PipelinesSecret) })
        {
            if (value is { Length: > 0 and < 16 }) problems.Add($"{key} is too short to be a secret; use at least 16 characters");
        }
        foreach (var network in (cio.AllowedNetworks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!System.Net.IPNetwork.TryParse(network, out _)) problems.Add($"CustomerIo:AllowedNetworks entry \"{network}\" is not a CIDR range such as 203.0.113.0/24");
        }
        if (string.IsNullOrEmpty(cio.JourneySecret) && string.IsNullOrEmpty(cio.ReportingSigningKey) && string.IsNullOrEmpty(cio.PipelinesSecret))
        {
            problems.Add("no Customer.io source is configured: set at least one of CustomerIo:JourneySecret, CustomerIo:ReportingSigningKey, CustomerIo:PipelinesSecret");
        }
        if (string.IsNullOrEmpty(cio.SiteId) != string.IsNullOrEmpty(cio.TrackApiKey))
        {
            problems.Add("CustomerIo:SiteId and CustomerIo:TrackApiKey go together: set both for write-back to Customer.io, or neither for the preview sink");
        }
        if (cio.TrackApiBaseUrl is { Length: > 0 } track && (!Uri.TryCreate(track, UriKind.Absolute, out var trackUri) || (trackUri.Scheme != Uri.UriSchemeHttps && trackUri.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add($"CustomerIo:TrackApiBaseUrl \"{track}\" is not an http(s) URL");
        }
        Range(problems, "CustomerIo:TrackApiTimeout", cio.TrackApiTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Range(problems, "CustomerIo:TrackApiInterval", cio.TrackApiInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));
        Range(problems, "Delivery:PerChannelInterval", delivery.PerChannelInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Range(problems, "Delivery:RetryBaseDelay", delivery.RetryBaseDelay, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Range(problems, "Delivery:RetryMaxDelay", delivery.RetryMaxDelay, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(problems, "Health:MaxInboxAge", health.MaxInboxAge, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        Range(problems, "Health:MaxDeliveryAge", health.MaxDeliveryAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        Range(problems, "Health:RecentProblemWindow", health.RecentProblemWindow, TimeSpan.FromHours(1), TimeSpan.FromDays(30));
        if (health.FailingAttempts is < 1 or > 100) problems.Add($"Health:FailingAttempts must be between 1 and 100; it is {health.FailingAttempts}");
        return problems;
    }

    private static void Range(List<string> problems, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max) problems.Add($"{key} must be between {min} and {max}; it is {value}");
    }
}
