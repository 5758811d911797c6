using System.Text.Json.Nodes;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Checks a chat.postMessage body against Block Kit's limits — the same ones the renderer trims to — so a
/// message that Slack would reject with invalid_blocks is caught before it is sent, and in tests.
/// </summary>
internal static class BlockKitValidator
{
    public static IReadOnlyList<string> Violations(JsonObject message)
    {
        var problems = new List<string>();
        if (message["text"]?.GetValue<string>() is not { Length: > 0 } text) problems.Add("text (the notification fallback) is missing");
        else Check(problems, "text", text, BlockKitLimits.FallbackText);
        if (message["blocks"] is not JsonArray blocks) return problems;
        if (blocks.Count > BlockKitLimits.Blocks) problems.Add($"{blocks.Count} blocks, more than {BlockKitLimits.Blocks}");
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i]!.AsObject();
            var where = $"blocks[{i}]";
            if (block["block_id"]?.GetValue<string>() is { } blockId) Check(problems, where + ".block_id", blockId, BlockKitLimits.BlockId);
            switch (block["type"]?.GetValue<string>())
            {
                case "header":
                    if (block["text"]?["type"]?.GetValue<string>() != "plain_text") problems.Add($"{where}: a header must be plain_text");
                    Check(problems, where + ".text", block["text"]?["text"]?.GetValue<string>(), BlockKitLimits.HeaderText);
                    break;
                case "section":
                    Check(problems, where + ".text", block["text"]?["text"]?.GetValue<string>(), BlockKitLimits.SectionText);
                    if (block["fields"] is JsonArray fields)
                    {
                        if (fields.Count > BlockKitLimits.SectionFields) problems.Add($"{where}: {fields.Count} fields, more than {BlockKitLimits.SectionFields}");
                        for (var f = 0; f < fields.Count; f++) Check(problems, $"{where}.fields[{f}]", fields[f]?["text"]?.GetValue<string>(), BlockKitLimits.FieldText);
                    }
                    if (block["text"] is null && block["fields"] is null) problems.Add($"{where}: a section needs text or fields");
                    break;
                case "actions":
                    var elements = block["elements"] as JsonArray ?? [];
                    if (elements.Count is 0 or > BlockKitLimits.ActionElements) problems.Add($"{where}: {elements.Count} elements; actions need 1 to {BlockKitLimits.ActionElements}");
                    for (var e = 0; e < elements.Count; e++)
                    {
                        var el = elements[e]!;
                        var at = $"{where}.elements[{e}]";
                        Check(problems, at + ".text", el["text"]?["text"]?.GetValue<string>(), BlockKitLimits.ButtonText);
                        Check(problems, at + ".url", el["url"]?.GetValue<string>(), BlockKitLimits.ButtonUrl);
                        Check(problems, at + ".value", el["value"]?.GetValue<string>(), BlockKitLimits.ButtonValue);
                        Check(problems, at + ".action_id", el["action_id"]?.GetValue<string>(), BlockKitLimits.ActionId);
                    }
                    break;
                case "context":
                    var items = block["elements"] as JsonArray ?? [];
                    if (items.Count is 0 or > BlockKitLimits.ContextElements) problems.Add($"{where}: {items.Count} elements; context needs 1 to {BlockKitLimits.ContextElements}");
                    break;
                case "divider":
                    break;
                default:
                    problems.Add($"{where}: unexpected block type \"{block["type"]}\"");
                    break;
            }
        }
        return problems;
    }

    private static void Check(List<string> problems, string where, string? text, int limit)
    {
        if (text is null) return;
        if (text.Length > limit) problems.Add($"{where}: {text.Length} characters, more than {limit}");
        if (text.Length == 0) problems.Add($"{where}: empty text");
    }
}
