using Fluid;

namespace RetentionPlaybooks.Templates;

/// <summary>A template that parsed, with every data path it reads; parse once, render many times from any thread.</summary>
internal sealed class CheckedTemplate(string source, IFluidTemplate template, IReadOnlyList<TemplateRead> reads)
{
    public string Source { get; } = source;

    public IFluidTemplate Template { get; } = template;

    public IReadOnlyList<TemplateRead> Reads { get; } = reads;

    /// <summary>The text itself when the template has no Liquid in it (most next steps and link labels):
    /// it renders to itself, so the renderer skips the engine. Template text is the marketer's, never escaped.</summary>
    public string? Literal { get; } = source.Contains("{{", StringComparison.Ordinal) || source.Contains("{%", StringComparison.Ordinal) ? null : source;
}
