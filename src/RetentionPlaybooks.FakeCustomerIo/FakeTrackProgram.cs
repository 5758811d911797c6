namespace RetentionPlaybooks.FakeCustomerIo;

/// <summary>Standalone mode: <c>dotnet run --project src/RetentionPlaybooks.FakeCustomerIo -- --port 5090 [--site-id S --api-key K] [--region eu]</c>.
/// Without credentials it accepts any; it prints one line per request. Point the host's CustomerIo__TrackApiBaseUrl at it.</summary>
internal static class FakeTrackProgram
{
    public static async Task<int> Main(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        if (!int.TryParse(config["port"] ?? "5090", System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            await Console.Error.WriteLineAsync($"--port must be a number between 0 and 65535; got \"{config["port"]}\"");
            return 2;
        }

        var siteId = config["site-id"];
        var apiKey = config["api-key"];
        var any = string.IsNullOrEmpty(siteId) || string.IsNullOrEmpty(apiKey);
        var options = new FakeTrackApiOptions { AcceptAnyCredentials = any, Region = config["region"] ?? "us", Echo = Console.Out };
        await using var server = await FakeTrackApi.StartAsync(any ? null : siteId, any ? null : apiKey, options, port, CancellationToken.None);
        Console.WriteLine($"Fake Customer.io Track API listening: base {server.BaseUrl} ({(any ? "any credentials" : $"site id {siteId}")}; Ctrl+C to stop)");
        await server.WaitForShutdownAsync();
        return 0;
    }
}
