using Fluid;

namespace RetentionPlaybooks.Templates;

/// <summary>A template that parsed, with every data path it reads; parse once, render many times from any thread.</summary>
internal sealed class CheckedTemplate(string source, IFluidTemplate template, IReadOnlyList<TemplateRead> reads)
{
    public string Source { get; } = source;

    public IFluidTemplate Template { get; } = template;

    public IReadOnlyList<TemplateRead> Reads { get; } = reads;
}
