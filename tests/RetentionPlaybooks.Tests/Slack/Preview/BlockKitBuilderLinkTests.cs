using System.Text.Json.Nodes;
using RetentionPlaybooks.Slack.BlockKit;
using RetentionPlaybooks.Slack.Preview;
using Xunit;

namespace RetentionPlaybooks.Tests.Slack.Preview;

public sealed class BlockKitBuilderLinkTests
{
    private static JsonObject Decode(string link)
    {
        Assert.StartsWith(BlockKitBuilderLink.BaseUrl, link, StringComparison.Ordinal);
        var fragment = link[BlockKitBuilderLink.BaseUrl.Length..];
        return JsonNode.Parse(Uri.UnescapeDataString(fragment))!.AsObject();
    }

    [Theory]
    [InlineData(PreviewFixtures.VipCartJson)]
    [InlineData(PreviewFixtures.HostileJson)]
    public void For_Message_RoundTripsToItsBlocks(string json)
    {
        var message = PreviewFixtures.Json(json);

        var payload = Decode(BlockKitBuilderLink.For(BlockKitReader.Read(message)));

        Assert.Equal(["blocks"], payload.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(message["blocks"], payload["blocks"]));
    }

    [Fact]
    public void For_Message_FragmentHasOnlyUrlSafeCharacters()
    {
        var fragment = BlockKitBuilderLink.For(PreviewFixtures.Hostile())[BlockKitBuilderLink.BaseUrl.Length..];

        Assert.Matches("^[A-Za-z0-9%._~-]+$", fragment);
    }

    [Fact]
    public void For_Message_IsCompactJson()
    {
        var link = BlockKitBuilderLink.For(PreviewFixtures.Parse("""{ "blocks": [ { "type": "divider" } ] }"""));

        Assert.Equal(BlockKitBuilderLink.BaseUrl + Uri.EscapeDataString("""{"blocks":[{"type":"divider"}]}"""), link);
    }

    [Fact]
    public void For_MessageWithoutBlocks_OpensEmptyCanvas()
        => Assert.Empty(Decode(BlockKitBuilderLink.For(PreviewFixtures.Parse("""{ "text": "hi" }""")))["blocks"]!.AsArray());

    [Fact]
    public void For_Message_DoesNotChangeTheMessage()
    {
        var message = PreviewFixtures.Json(PreviewFixtures.VipCartJson);
        var before = message.ToJsonString();

        _ = BlockKitBuilderLink.For(BlockKitReader.Read(message));

        Assert.Equal(before, message.ToJsonString());
    }
}
