using RetentionPlaybooks.Slack;
using RetentionPlaybooks.Slack.BlockKit;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack;

/// <summary>
/// Each Block Kit limit the validator checks, one under, exactly at and one over: at the limit is valid, one over is the one
/// violation, naming the count and the limit. The limits are written out here (not read from <see cref="BlockKitLimits"/>),
/// so a changed limit fails too.
/// </summary>
public sealed class BlockKitLimitBoundaryTests
{
    /// <summary>Every limit, by name, with its value (Slack's documented limit).</summary>
    private static readonly Dictionary<string, int> Limits = new(StringComparer.Ordinal)
    {
        ["blocks"] = 50,
        ["section fields"] = 10,
        ["actions elements"] = 25,
        ["context elements"] = 10,
        ["select options"] = 100,
        ["section text"] = 3000,
        ["field text"] = 2000,
        ["header text"] = 150,
        ["button text"] = 75,
        ["button url"] = 3000,
        ["button value"] = 2000,
        ["action_id"] = 255,
        ["block_id"] = 255,
        ["option text"] = 75,
        ["option value"] = 150,
        ["placeholder"] = 150,
        ["fallback text"] = 4000,
    };

    public static TheoryData<string, int> Boundaries()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Limits.Keys)
        {
            foreach (var offset in new[] { -1, 0, 1 }) data.Add(name, offset);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Violations_AtEachLimit_ValidUpToItAndOneViolationPastIt(string limit, int offset)
    {
        var size = Limits[limit] + offset;

        var violations = BlockKitValidator.Violations(Message(limit, size));

        if (offset <= 0)
        {
            Assert.Empty(violations);
        }
        else
        {
            var violation = Assert.Single(violations);
            Assert.Contains($"{size} ", violation, StringComparison.Ordinal);
            Assert.Contains($" {Limits[limit]}", violation, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("actions elements")]
    [InlineData("context elements")]
    [InlineData("select options")]
    public void Violations_NoElements_IsAViolation(string limit)
    {
        var violation = Assert.Single(BlockKitValidator.Violations(Message(limit, 0)));

        Assert.Contains("0 ", violation, StringComparison.Ordinal);
    }

    /// <summary>A message that is valid but for the one thing sized <paramref name="size"/>.</summary>
    private static BlockKitMessage Message(string limit, int size)
    {
        var text = new string('x', size);
        Block block = limit switch
        {
            "blocks" => new DividerBlock(),
            "section fields" => new SectionBlock(null, Many(size, i => new MrkdwnText($"f{i}"))),
            "actions elements" => new ActionsBlock(Many<ActionElement>(size, i => Button($"a{i}"))),
            "context elements" => new ContextBlock(Many(size, i => new MrkdwnText($"c{i}"))),
            "select options" => new ActionsBlock([new StaticSelectElement(new PlainText("Pick"), "s", Many(size, i => new SelectOption(new PlainText($"o{i}"), $"v{i}")))]),
            "section text" => new SectionBlock(new MrkdwnText(text), []),
            "field text" => new SectionBlock(null, [new MrkdwnText(text)]),
            "header text" => new HeaderBlock(new PlainText(text)),
            "button text" => new ActionsBlock([new ButtonElement(new PlainText(text), "https://example.com/", "a")]),
            "button url" => new ActionsBlock([new ButtonElement(new PlainText("Open"), "https://example.com/" + new string('x', size - "https://example.com/".Length), "a")]),
            "button value" => new ActionsBlock([new ButtonElement(new PlainText("Ack"), null, "a") { Value = text }]),
            "action_id" => new ActionsBlock([Button(text)]),
            "block_id" => new DividerBlock { BlockId = text },
            "option text" => new ActionsBlock([new StaticSelectElement(new PlainText("Pick"), "s", [new SelectOption(new PlainText(text), "v")])]),
            "option value" => new ActionsBlock([new StaticSelectElement(new PlainText("Pick"), "s", [new SelectOption(new PlainText("o"), text)])]),
            "placeholder" => new ActionsBlock([new StaticSelectElement(new PlainText(text), "s", [new SelectOption(new PlainText("o"), "v")])]),
            "fallback text" => new DividerBlock(),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
        };
        IReadOnlyList<Block> blocks = limit == "blocks" ? Many(size, _ => block) : [block];
        return new BlockKitMessage("C07VIPSAVES", limit == "fallback text" ? text : "fallback", blocks);
    }

    private static ButtonElement Button(string actionId) => new(new PlainText("Open"), "https://example.com/", actionId);

    private static List<T> Many<T>(int count, Func<int, T> make) => [.. Enumerable.Range(0, count).Select(make)];
}
