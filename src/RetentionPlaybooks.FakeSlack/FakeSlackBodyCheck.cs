using System.Text.Json;
using System.Text.Json.Nodes;

namespace RetentionPlaybooks.FakeSlack;

/// <summary>
/// A light copy of Slack's own checks on a message body: the error codes Slack answers with and the Block Kit
/// limits from DOMAIN.md. Deliberately independent of the renderer's validator, so the two can disagree.
/// </summary>
internal static class FakeSlackBodyCheck
{
    public const int MaxTextLength = 40_000;

    private static readonly HashSet<string> BlockTypes = new(StringComparer.Ordinal)
    {
        "section", "header", "context", "actions", "divider", "image", "rich_text", "input", "file", "video", "markdown",
    };

    /// <summary>The Slack error for <paramref name="body"/> (no_text, msg_too_long, invalid_blocks...), or null when Slack would accept it.</summary>
    public static FakeSlackResponse? Check(JsonObject body)
    {
        var hasText = body["text"] is JsonValue t && t.TryGetValue<string>(out var text) && text.Length > 0;
        var blocksNode = body["blocks"];
        if (blocksNode is not null and not JsonArray) return FakeSlackResponse.Error("invalid_blocks_format");
        var blocks = blocksNode as JsonArray;
        var hasAttachments = body["attachments"] is JsonArray { Count: > 0 };
        if (!hasText && blocks is not { Count: > 0 } && !hasAttachments) return FakeSlackResponse.Error("no_text");
        if (hasText && body["text"]!.GetValue<string>().Length > MaxTextLength) return FakeSlackResponse.Error("msg_too_long");

        if (blocks is not null)
        {
            var problems = new List<string>();
            CheckBlocks(blocks, problems);
            if (problems.Count > 0) return FakeSlackResponse.Error("invalid_blocks", details: new JsonArray(problems.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()));
        }

        if (body["metadata"] is { } metadata
            && (metadata is not JsonObject m
                || m["event_type"] is not JsonValue et || !et.TryGetValue<string>(out var eventType) || eventType.Length == 0
                || m["event_payload"] is not JsonObject))
        {
            return FakeSlackResponse.Error("invalid_metadata_format");
        }

        return null;
    }

    private static void CheckBlocks(JsonArray blocks, List<string> problems)
    {
        if (blocks.Count > 50) problems.Add($"no more than 50 items allowed [json-pointer:/blocks]");
        var blockIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < blocks.Count; i++)
        {
            var at = $"/blocks/{i}";
            if (blocks[i] is not JsonObject block)
            {
                problems.Add($"must be an object [json-pointer:{at}]");
                continue;
            }

            if (Str(block["block_id"]) is { } blockId)
            {
                Max(problems, blockId, 255, at + "/block_id");
                if (!blockIds.Add(blockId)) problems.Add($"duplicate block_id [json-pointer:{at}/block_id]");
            }

            var type = Str(block["type"]);
            if (type is null || !BlockTypes.Contains(type))
            {
                problems.Add($"unsupported type: {type ?? "(none)"} [json-pointer:{at}/type]");
                continue;
            }

            switch (type)
            {
                case "header":
                    if (Str(block["text"]?["type"]) != "plain_text") problems.Add($"must be plain_text [json-pointer:{at}/text/type]");
                    TextObject(problems, block["text"], 150, at + "/text", required: true);
                    break;
                case "section":
                    if (block["text"] is null && block["fields"] is null) problems.Add($"must provide either text or fields [json-pointer:{at}]");
                    if (block["text"] is not null) TextObject(problems, block["text"], 3000, at + "/text", required: true);
                    if (block["fields"] is { } fields)
                    {
                        if (fields is not JsonArray list) { problems.Add($"must be an array [json-pointer:{at}/fields]"); break; }
                        if (list.Count > 10) problems.Add($"no more than 10 items allowed [json-pointer:{at}/fields]");
                        for (var f = 0; f < list.Count; f++) TextObject(problems, list[f], 2000, $"{at}/fields/{f}", required: true);
                    }

                    break;
                case "context":
                    Elements(problems, block, 10, at);
                    break;
                case "actions":
                    var elements = Elements(problems, block, 25, at);
                    for (var e = 0; e < elements.Count; e++)
                    {
                        if (elements[e] is not JsonObject element) continue;
                        var ep = $"{at}/elements/{e}";
                        if (Str(element["action_id"]) is { } actionId) Max(problems, actionId, 255, ep + "/action_id");
                        if (Str(element["type"]) != "button") continue;
                        if (Str(element["text"]?["type"]) != "plain_text") problems.Add($"must be plain_text [json-pointer:{ep}/text/type]");
                        TextObject(problems, element["text"], 75, ep + "/text", required: true);
                        if (Str(element["value"]) is { } value) Max(problems, value, 2000, ep + "/value");
                        if (Str(element["url"]) is { } url) Max(problems, url, 3000, ep + "/url");
                    }

                    break;
            }
        }
    }

    private static JsonArray Elements(List<string> problems, JsonObject block, int max, string at)
    {
        if (block["elements"] is not JsonArray elements || elements.Count == 0)
        {
            problems.Add($"must contain at least 1 item [json-pointer:{at}/elements]");
            return [];
        }

        if (elements.Count > max) problems.Add($"no more than {max} items allowed [json-pointer:{at}/elements]");
        return elements;
    }

    private static void TextObject(List<string> problems, JsonNode? node, int max, string at, bool required)
    {
        if (node is not JsonObject obj || Str(obj["text"]) is not { } text)
        {
            if (required) problems.Add($"must be a text object with a string text [json-pointer:{at}]");
            return;
        }

        if (Str(obj["type"]) is not ("plain_text" or "mrkdwn")) problems.Add($"must be plain_text or mrkdwn [json-pointer:{at}/type]");
        if (text.Length == 0) problems.Add($"must be more than 0 characters [json-pointer:{at}/text]");
        Max(problems, text, max, at + "/text");
    }

    private static void Max(List<string> problems, string value, int max, string at)
    {
        if (value.Length > max) problems.Add($"must be less than {max + 1} characters [json-pointer:{at}]");
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
