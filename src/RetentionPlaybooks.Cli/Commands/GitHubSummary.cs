using RetentionPlaybooks.Fixtures;
using RetentionPlaybooks.Slack.Preview;

namespace RetentionPlaybooks.Cli.Commands;

/// <summary>Writes the rendered messages as a GitHub Actions step summary, to $GITHUB_STEP_SUMMARY when set.</summary>
internal static class GitHubSummary
{
    public static void Write(FixtureReport report, TextWriter stdout)
    {
        var items = report.Results
            .Where(r => r.Message is not null)
            .Select(r => new PreviewItem(r.Playbook, r.Case, r.Channel!, r.Message!, r.Passed ? null : string.Join("; ", r.Failures)))
            .ToList();
        var markdown = MarkdownSummary.Render(items);
        var path = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        if (string.IsNullOrEmpty(path))
        {
            stdout.WriteLine(markdown);
        }
        else
        {
            File.AppendAllText(path, markdown + Environment.NewLine);
        }
    }
}
