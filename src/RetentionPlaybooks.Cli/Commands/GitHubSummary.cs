using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>The GitHub Actions step summary: the rendered messages, and what other commands add to it (to $GITHUB_STEP_SUMMARY when set).</summary>
internal static class GitHubSummary
{
    public static void Write(FixtureReport report, TextWriter stdout)
    {
        var items = report.Results
            .Where(r => r.Message is not null)
            .Select(r => new PreviewItem(r.Playbook, r.Case, r.Channel!, r.Message!, r.Passed ? null : string.Join("; ", r.Failures)))
            .ToList();
        Append(MarkdownSummary.Render(items), stdout);
    }

    /// <summary>Adds Markdown to the step summary: to $GITHUB_STEP_SUMMARY in a GitHub Actions run, else to stdout.</summary>
    public static void Append(string markdown, TextWriter stdout)
    {
        var path = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        if (string.IsNullOrEmpty(path)) stdout.WriteLine(markdown);
        else File.AppendAllText(path, markdown + Environment.NewLine);
    }
}
