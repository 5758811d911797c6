using System.Text.Json;
using Xunit;

namespace RetentionPlaybooks.Tests.Cli;

public sealed class RenderCommandTests
{
    private static string Sample(string name) => Path.Combine(RepoPaths.Playbooks, "samples", name);

    [Fact]
    public void Render_Text_PrintsDecisionPreviewJsonAndBuilderLink()
    {
        var (exit, output, _) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Sample("vip-cart-abandoned.json"), RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.StartsWith("escalates to vip-saves (default route)", output, StringComparison.Ordinal);
        Assert.Contains("VIP cart abandoned: $184.00\n===", output, StringComparison.Ordinal);
        Assert.Contains("\"channel\": \"C07VIPSAVES\"", output, StringComparison.Ordinal);
        Assert.Contains("Block Kit Builder: https://app.slack.com/block-kit-builder/#%7B%22blocks%22", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Json_IsTheChatPostMessageBody()
    {
        var (exit, output, _) = CliRunner.Run("render", "playbooks/vip-cart-abandonment.yaml".Replace("playbooks", RepoPaths.Playbooks, StringComparison.Ordinal),
            "--event", Sample("vip-cart-abandoned.json"), "--format", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("unfurl_links").GetBoolean());
        Assert.Equal("header", doc.RootElement.GetProperty("blocks")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Render_HowLongAgo_IsRelativeToWhenItIsRendered_AsTheHostWouldSayIt()
    {
        // The sample happened at 13:00; the clock reads 13:30, and --now moves the rendering three days on.
        var (_, now, _) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Sample("vip-cart-abandoned.json"), "--format", "json", RepoPaths.Playbooks);
        var (_, later, _) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Sample("vip-cart-abandoned.json"), "--format", "json", "--now", "2026-12-01T13:00:00Z", RepoPaths.Playbooks);

        Assert.Contains("30 min ago", now, StringComparison.Ordinal);
        Assert.Contains("3 days ago", later, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DataPipelinesTrack_RendersLikeAJourneyBody()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rp-track-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            {"type": "track", "event": "checkout_abandoned", "userId": "cus_77", "messageId": "m-1", "timestamp": "2026-11-28T13:00:00Z",
             "properties": {"checkout_id": "chk_9", "cart_value": 320},
             "context": {"traits": {"ltv": 4200, "order_count": 6, "first_name": "Ana"}}}
            """);
        try
        {
            var (exit, output, error) = CliRunner.Run("render", "vip-cart-abandonment", "--event", path, RepoPaths.Playbooks);

            Assert.Equal(0, exit);
            Assert.Equal("", error);
            Assert.StartsWith("escalates to vip-saves (default route)", output, StringComparison.Ordinal);
            Assert.Contains("VIP cart abandoned: $320.00", output, StringComparison.Ordinal);
            Assert.Contains("Ana", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Render_SkippedSignal_SaysSoAndStillRenders()
    {
        var (exit, output, _) = CliRunner.Run("render", "post-purchase-risk", "--event", Sample("vip-cart-abandoned.json"), RepoPaths.Playbooks);

        Assert.Equal(0, exit);
        Assert.StartsWith("would NOT escalate", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HtmlWithoutPlaybook_WritesEveryTestCaseMessage()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rp-preview-{Guid.NewGuid():N}.html");
        try
        {
            var (exit, output, _) = CliRunner.Run("render", "--format", "html", "--out", file, RepoPaths.Playbooks);

            Assert.Equal(0, exit);
            var html = File.ReadAllText(file);
            var escalating = Directory.GetFiles(Path.Combine(RepoPaths.Playbooks, "__snapshots__"), "*.json", SearchOption.AllDirectories).Length;
            Assert.Contains($"wrote ", output, StringComparison.Ordinal);
            Assert.True(System.Text.RegularExpressions.Regex.Matches(html, "<article class=\"message\"").Count >= escalating,
                $"expected at least {escalating} messages in the page");
            Assert.Contains("data-playbook=\"winback-exclusions\"", html, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Test_GitHubFormat_WritesAStepSummaryWithBuilderLinks()
    {
        var summary = Path.Combine(Path.GetTempPath(), $"rp-summary-{Guid.NewGuid():N}.md");
        Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", summary);
        try
        {
            var (exit, _, _) = CliRunner.Run("test", RepoPaths.Playbooks, "--format", "github");

            Assert.Equal(0, exit);
            var markdown = File.ReadAllText(summary);
            Assert.Contains("vip-cart-abandonment", markdown, StringComparison.Ordinal);
            Assert.Contains("https://app.slack.com/block-kit-builder/#", markdown, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", null);
            File.Delete(summary);
        }
    }

    [Fact]
    public void Render_MalformedEventFile_PrintsTheJsonErrorAndExitsOne()
    {
        using var dir = new TempPlaybooks();
        var file = dir.FilePath("broken.json");
        File.WriteAllText(file, "{\"event\": {\n  \"name\": ");

        var (exit, output, error) = CliRunner.Run("render", "vip-cart-abandonment", "--event", file, RepoPaths.Playbooks);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"{file}(2,", error, StringComparison.Ordinal);
        Assert.Contains("error: invalid JSON:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BadNow_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Sample("vip-cart-abandoned.json"), "--now", "tomorrow", RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Equal("playbooks render: --now \"tomorrow\" is not an ISO 8601 time, e.g. 2026-11-28T15:00:00Z\n", error.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_EventIsADirectory_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Path.Combine(RepoPaths.Playbooks, "samples"), RepoPaths.Playbooks);

        Assert.Equal(2, exit);
        Assert.Contains("is a directory; give a JSON payload file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OutInAMissingFolder_PrintsOneLineAndExitsOne()
    {
        var (exit, _, error) = CliRunner.Run("render", "vip-cart-abandonment", "--event", Sample("vip-cart-abandoned.json"), "--out", "/no/such/folder/out.txt", RepoPaths.Playbooks);

        Assert.Equal(1, exit);
        Assert.StartsWith("playbooks render: ", error, StringComparison.Ordinal);
        Assert.Contains("/no/such/folder/out.txt", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
