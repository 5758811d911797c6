namespace RetentionPlaybooks.FakeSlack;

/// <summary>How a fake Slack workspace behaves. Created once per server.</summary>
internal sealed class FakeSlackOptions
{
    /// <summary>The clock for rate limits, ts values and recorded times. Tests pass a FakeTimeProvider.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Bot tokens that authenticate; any other token gets invalid_auth (unless <see cref="AcceptAnyToken"/>).</summary>
    public IReadOnlyCollection<string> ValidTokens { get; init; } = ["xoxb-test"];

    /// <summary>Accept every non-empty token (standalone demo mode).</summary>
    public bool AcceptAnyToken { get; init; }

    /// <summary>Channel ids that exist and that the bot is a member of. User ids (U..., W...) are always valid DM targets.</summary>
    public IReadOnlyCollection<string> Channels { get; init; } = [];

    /// <summary>Treat every C.../G... id as an existing channel (standalone demo mode).</summary>
    public bool AcceptAnyChannel { get; init; }

    /// <summary>Channels that exist but are archived: posts get is_archived.</summary>
    public IReadOnlyCollection<string> ArchivedChannels { get; init; } = [];

    /// <summary>Channels that exist but the bot has not joined: posts get not_in_channel.</summary>
    public IReadOnlyCollection<string> ChannelsWithoutBot { get; init; } = [];

    /// <summary>chat.postMessage messages per second per channel; null for no limit. The default is 1, as Slack documents.</summary>
    public double? PerChannelRate { get; init; } = 1;

    /// <summary>Extra posts per channel tolerated in a burst above <see cref="PerChannelRate"/>; the default is 0.</summary>
    public int BurstTolerance { get; init; }

    /// <summary>The bot token's scopes, sent as auth.test's <c>x-oauth-scopes</c> header (by default the app manifest's).</summary>
    public IReadOnlyCollection<string> Scopes { get; init; } = ["chat:write", "chat:write.public", "channels:history", "groups:history", "im:history", "im:write"];

    /// <summary>User ids users.info answers user_not_found for (every other U… or W… id exists).</summary>
    public IReadOnlyCollection<string> MissingUsers { get; init; } = [];

    /// <summary>User ids whose account is deactivated (users.info: deleted true).</summary>
    public IReadOnlyCollection<string> DeactivatedUsers { get; init; } = [];

    /// <summary>A glitch to test clients against: a history or thread page with more to come says has_more but gives no
    /// next_cursor.</summary>
    public bool HasMoreWithoutCursor { get; init; }

    public string TeamId { get; init; } = "T0FAKETEAM";

    public string TeamName { get; init; } = "Fake Workspace";

    public string BotUserId { get; init; } = "U0FAKEBOT";

    public string BotUserName { get; init; } = "retention-bot";

    public string BotId { get; init; } = "B0FAKEBOT";

    /// <summary>Where to print one readable line per posted or updated message (standalone mode); null for silence.</summary>
    public TextWriter? Echo { get; init; }

    /// <summary>The app's interactivity request URL (standalone mode, e.g. http://127.0.0.1:5080/slack/interactivity): the
    /// buttons and menus drawn on GET / send their clicks there, signed with <see cref="SigningSecret"/>. Null: no clicks.</summary>
    public Uri? InteractivityUrl { get; init; }

    /// <summary>The app's Slack signing secret, for the clicks sent to <see cref="InteractivityUrl"/>.</summary>
    public string? SigningSecret { get; init; }

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (TimeProvider is null) problems.Add("TimeProvider is required");
        if (PerChannelRate is { } rate && (double.IsNaN(rate) || rate <= 0 || rate > 1000))
            problems.Add($"PerChannelRate must be between 0 (exclusive) and 1000 messages per second, or null for no limit; got {rate}");
        if (BurstTolerance is < 0 or > 1000) problems.Add($"BurstTolerance must be between 0 and 1000; got {BurstTolerance}");
        if (InteractivityUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            problems.Add($"InteractivityUrl must be an absolute http(s) URL; got {url}");
        if (InteractivityUrl is not null && string.IsNullOrEmpty(SigningSecret))
            problems.Add("SigningSecret is required with InteractivityUrl (the app refuses unsigned clicks)");
        if (!AcceptAnyToken && (ValidTokens is null || ValidTokens.Count == 0))
            problems.Add("ValidTokens must list at least one token unless AcceptAnyToken is set");
        return problems;
    }
}
