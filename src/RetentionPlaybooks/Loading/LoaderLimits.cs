namespace RetentionPlaybooks.Loading;

/// <summary>
/// The limits every YAML file is loaded under, so no file can make the compiler (or a host reload) slow or
/// crash it. A real playbook is a few kilobytes, a few hundred nodes and under ten levels deep; each limit is
/// far above that and far below what would hurt.
/// </summary>
internal static class LoaderLimits
{
    /// <summary>
    /// The largest file read: 1 MiB (1,048,576 bytes on disk, or characters for text handed to the compiler).
    /// A bigger file is refused before it is parsed (RP0009).
    /// </summary>
    public const int MaxFileSize = 1024 * 1024;

    /// <summary>
    /// The deepest nesting of mappings and lists: 64 levels. Every later pass (the JSON view, the duplicate-key
    /// walk, schema validation) recurses over the tree, so the depth is checked while parsing, before any of them
    /// runs (RP0008).
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>The most nodes (mappings, lists and scalars, keys included) in one file: 100,000 (RP0010).</summary>
    public const int MaxNodes = 100_000;
}
