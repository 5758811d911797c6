using RetentionPlaybooks.Slack.BlockKit;

namespace RetentionPlaybooks.Slack;

/// <summary>
/// Checks a message against Block Kit's limits — the same ones the renderer trims to — so a message that Slack
/// would reject with invalid_blocks is caught before it is sent, and in tests.
/// </summary>
internal static class BlockKitValidator
{
    public static IReadOnlyList<string> Violations(BlockKitMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var problems = new List<string>();
        if (message.Text is not { Length: > 0 } text) problems.Add("text (the notification fallback) is missing");
        else Check(problems, "text", text, BlockKitLimits.FallbackText);
        var blocks = message.Blocks;
        if (blocks.Count > BlockKitLimits.Blocks) problems.Add($"{blocks.Count} blocks, more than {BlockKitLimits.Blocks}");
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var where = $"blocks[{i}]";
            Check(problems, where + ".block_id", block.BlockId, BlockKitLimits.BlockId);
            switch (block)
            {
                case HeaderBlock header:
                    if (header.Text is not PlainText) problems.Add($"{where}: a header must be plain_text");
                    Check(problems, where + ".text", header.Text.Text, BlockKitLimits.HeaderText);
                    break;
                case SectionBlock section:
                    Check(problems, where + ".text", section.Text?.Text, BlockKitLimits.SectionText);
                    var fields = section.Fields;
                    if (fields.Count > BlockKitLimits.SectionFields) problems.Add($"{where}: {fields.Count} fields, more than {BlockKitLimits.SectionFields}");
                    for (var f = 0; f < fields.Count; f++) Check(problems, $"{where}.fields[{f}]", fields[f].Text, BlockKitLimits.FieldText);
                    if (section.Text is null && fields.Count == 0) problems.Add($"{where}: a section needs text or fields");
                    if (section.Accessory is { } accessory) CheckElement(problems, where + ".accessory", accessory);
                    break;
                case ActionsBlock actions:
                    var elements = actions.Elements;
                    if (elements.Count is 0 or > BlockKitLimits.ActionElements) problems.Add($"{where}: {elements.Count} elements; actions need 1 to {BlockKitLimits.ActionElements}");
                    for (var e = 0; e < elements.Count; e++) CheckElement(problems, $"{where}.elements[{e}]", elements[e]);
                    break;
                case ContextBlock context:
                    var items = context.Elements;
                    if (items.Count is 0 or > BlockKitLimits.ContextElements) problems.Add($"{where}: {items.Count} elements; context needs 1 to {BlockKitLimits.ContextElements}");
                    break;
                case DividerBlock:
                    break;
                case UnknownBlock unknown:
                    problems.Add($"{where}: unexpected block type \"{unknown.Type}\"");
                    break;
                default:
                    throw new System.Diagnostics.UnreachableException($"no Block Kit limits for {block.GetType().Name}");
            }
        }
        return problems;
    }

    private static void CheckElement(List<string> problems, string at, ActionElement element)
    {
        Check(problems, at + ".action_id", element.ActionId, BlockKitLimits.ActionId);
        if (element is ButtonElement el)
        {
            Check(problems, at + ".text", el.Text.Text, BlockKitLimits.ButtonText);
            Check(problems, at + ".url", el.Url, BlockKitLimits.ButtonUrl);
            Check(problems, at + ".value", el.Value, BlockKitLimits.ButtonValue);
            return;
        }
        var select = (StaticSelectElement)element;
        Check(problems, at + ".placeholder", select.Placeholder.Text, BlockKitLimits.SelectPlaceholder);
        if (select.Options.Count is 0 or > BlockKitLimits.SelectOptions) problems.Add($"{at}: {select.Options.Count} options; a select needs 1 to {BlockKitLimits.SelectOptions}");
        for (var o = 0; o < select.Options.Count; o++)
        {
            Check(problems, $"{at}.options[{o}].text", select.Options[o].Text.Text, BlockKitLimits.OptionText);
            Check(problems, $"{at}.options[{o}].value", select.Options[o].Value, BlockKitLimits.OptionValue);
        }
    }

    private static void Check(List<string> problems, string where, string? text, int limit)
    {
        if (text is null) return;
        if (text.Length > limit) problems.Add($"{where}: {text.Length} characters, more than {limit}");
        if (text.Length == 0) problems.Add($"{where}: empty text");
    }
}
