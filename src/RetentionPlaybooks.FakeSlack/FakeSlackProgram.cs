namespace RetentionPlaybooks.FakeSlack;

/// <summary>Standalone demo mode: <c>dotnet run --project src/RetentionPlaybooks.FakeSlack -- --urls http://127.0.0.1:5199</c>.
/// Accepts any token and any channel id, prints each posted message, and lists them at GET /. With
/// <c>--interactivity-url http://127.0.0.1:5080/slack/interactivity --signing-secret S</c> the page's case buttons and menus
/// click: each sends Slack's signed block_actions payload to the host, and the host's replies to response_url show there too.</summary>
internal static class FakeSlackProgram
{
    public static async Task<int> Main(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var options = new FakeSlackOptions
        {
            AcceptAnyToken = true,
            AcceptAnyChannel = true,
            ValidTokens = [],
            Echo = Console.Out,
            InteractivityUrl = config["interactivity-url"] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : null,
            SigningSecret = config["signing-secret"],
        };
        if (config["interactivity-url"] is { Length: > 0 } given && options.InteractivityUrl is null)
        {
            await Console.Error.WriteLineAsync($"fake slack: --interactivity-url \"{given}\" is not an absolute URL");
            return 2;
        }
        if (options.Validate() is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync("fake slack: " + string.Join("; ", problems));
            return 2;
        }
        await using var server = await FakeSlackServer.StartAsync(options, args, CancellationToken.None);
        Console.WriteLine($"Fake Slack listening: API base {server.ApiBaseUrl}, posted messages at {server.BaseUrl} (Ctrl+C to stop)");
        await server.WaitForShutdownAsync();
        return 0;
    }
}
