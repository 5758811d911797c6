namespace RetentionPlaybooks.Gates;

/// <summary>
/// How complex one gate may be. The parser, binder, emitter and explainer all recurse over the gate's tree, so its
/// depth is bounded before any of them runs (RP0208). A real gate has a handful of operators and one or two levels.
/// </summary>
internal static class GateLimits
{
    /// <summary>The deepest nesting of parentheses, lists, function calls and "not": 32 levels.</summary>
    public const int MaxNesting = 32;

    /// <summary>The most operators ("and", "or" and comparisons) in one gate: 256.</summary>
    public const int MaxOperators = 256;
}
