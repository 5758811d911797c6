namespace RetentionPlaybooks.FakeSlack;

/// <summary>Standalone demo mode: <c>dotnet run --project src/RetentionPlaybooks.FakeSlack -- --urls http://127.0.0.1:5199</c>.
/// Accepts any token and any channel id, prints each posted message, and lists them at GET /.</summary>
internal static class FakeSlackProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = new FakeSlackOptions
        {
            AcceptAnyToken = true,
            AcceptAnyChannel = true,
            ValidTokens = [],
            Echo = Console.Out,
        };
        await using var server = await FakeSlackServer.StartAsync(options, args, CancellationToken.None);
        Console.WriteLine($"Fake Slack listening: API base {server.ApiBaseUrl}, posted messages at {server.BaseUrl} (Ctrl+C to stop)");
        await server.WaitForShutdownAsync();
        return 0;
    }
}
