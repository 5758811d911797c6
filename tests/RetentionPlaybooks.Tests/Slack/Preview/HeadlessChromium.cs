using System.Diagnostics;

namespace RetentionPlaybooks.Tests.Slack.Preview;

/// <summary>Runs Debian's headless Chromium once per call, with a throwaway profile and a hard timeout.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Fails the test, rather than skipping it, when the browser is missing: tests/run installs it.</summary>
    public static void EnsureInstalled()
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {Path}; the browser tests (HTML preview, dashboard) need it. "
                + "Install it with: apt-get update && apt-get install -y chromium (tests/run does this).");
        }
    }

    /// <summary>The DOM after Chromium has parsed and laid out the page.</summary>
    public static async Task<string> DumpDomAsync(string htmlFile)
        => (await RunAsync(["--dump-dom", new Uri(htmlFile).AbsoluteUri])).StandardOutput;

    /// <summary>A screenshot of the page at the window size given; <paramref name="srgb"/> fixes the colour profile, so a
    /// test can check the colours it drew.</summary>
    public static async Task ScreenshotAsync(string htmlFile, string pngFile, int width = 1000, int height = 1400, bool srgb = false)
        => await RunAsync([$"--screenshot={pngFile}", $"--window-size={width},{height}", "--hide-scrollbars", .. (srgb ? (string[])["--force-color-profile=srgb"] : []),
            new Uri(htmlFile).AbsoluteUri]);

    private static async Task<(string StandardOutput, string StandardError)> RunAsync(IReadOnlyList<string> arguments)
    {
        EnsureInstalled();
        var profile = Directory.CreateTempSubdirectory("rp-chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile.FullName}"])
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var argument in arguments) start.ArgumentList.Add(argument);

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {Timeout.TotalSeconds} s: {string.Join(' ', arguments)}");
            }

            var (output, error) = (await stdout, await stderr);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {string.Join(' ', arguments)}\n{Tail(error)}");
            }

            return (output, error);
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium's helpers may still be releasing files; a leftover temp profile is harmless.
            }
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
