using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Fluid;
using Fluid.Values;

namespace RetentionPlaybooks.Templates;

/// <summary>
/// The one Liquid parser and option set every template uses: Fluid's standard filters (minus <c>raw</c>,
/// which would bypass escaping) plus <see cref="MarketerFilters"/>. Shared and immutable after start-up;
/// parsed templates are cached and rendering is thread-safe.
/// </summary>
internal static class LiquidEngine
{
    /// <summary>Filters removed from Fluid's standard set: <c>raw</c> writes a value unescaped into mrkdwn.</summary>
    private static readonly string[] BannedFilters = ["raw"];

    private static readonly FluidParser Parser = new();

    /// <summary>Builds the Liquid parser (this class's static state) and runs it once over a template with the usual parts — output,
    /// filter, tag — so the code a playbook's first template needs is ready: see <see cref="Loading.SchemaValidator.WarmUp"/>.</summary>
    public static void WarmUp() => Parser.TryParse("{{ customer.first_name | default: 'x' }}{% if event.value > 1 %}{{ event.value | money }}{% endif %}", out _, out _);

    /// <summary>The most parsed templates kept: 4,096. Every edit of a playbook that a host reloads adds new sources, so an unbounded cache only grows.</summary>
    private const int MaxCachedTemplates = 4096;

    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    // The render form of each parsed template (outputs wrapped so lists are escaped too), built once.
    private static readonly ConditionalWeakTable<IFluidTemplate, IFluidTemplate> Renderable = new();

    /// <summary>Shared render options; treat as read-only.</summary>
    public static TemplateOptions Options { get; } = CreateOptions();

    /// <summary>Every filter a template may use, standard and custom.</summary>
    public static IReadOnlySet<string> KnownFilters { get; } =
        Options.Filters.Select(f => f.Key).ToFrozenSet(StringComparer.Ordinal);

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            CultureInfo = CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
            // A runaway loop in a marketer's template must not stall the notifier.
            MaxSteps = 100_000,
        };
        foreach (var name in BannedFilters) options.Filters.Remove(name);
        options.Filters.AddFilter("money", MarketerFilters.Money);
        options.Filters.AddFilter("time_ago", MarketerFilters.TimeAgo);
        options.Filters.AddFilter("truncate", MarketerFilters.Truncate);
        options.ValueConverters.Add(TemplateModel.Convert!);
        return options;
    }

    /// <summary>Parses a template once; later calls with the same source return the cached template.</summary>
    public static bool TryParse(string source, [NotNullWhen(true)] out IFluidTemplate? template, [NotNullWhen(false)] out string? error)
    {
        if (Parsed.TryGetValue(source, out template))
        {
            error = null;
            return true;
        }
        if (!Parser.TryParse(source, out template, out error))
        {
            template = null;
            error ??= "the template could not be parsed";
            return false;
        }
        // Dropping the whole cache is rare and cheap: the next compile parses the live templates again.
        if (Parsed.Count >= MaxCachedTemplates) Parsed.Clear();
        template = Parsed.GetOrAdd(source, template);
        error = null;
        return true;
    }

    /// <summary>
    /// Renders <paramref name="template"/> with the model's roots (<c>customer</c>, <c>event</c>, <c>links</c>...;
    /// values may be JSON elements, evaluation values, dictionaries, lists or scalars) at the given instant.
    /// </summary>
    public static string Render(IFluidTemplate template, IReadOnlyDictionary<string, object?> model, DateTimeOffset now, TemplateOutput output) =>
        Render(template, CreateContext(model, now), output);

    /// <summary>
    /// A render context holding the model and the clock; build one per message and render all of its templates
    /// with it, so the model is converted once. Not thread-safe: one context per thread.
    /// </summary>
    public static TemplateContext CreateContext(IReadOnlyDictionary<string, object?> model, DateTimeOffset now)
    {
        var context = new TemplateContext(Options)
        {
            Now = () => now,
        };
        context.AmbientValues[MarketerFilters.NowKey] = now;
        foreach (var (name, value) in model)
        {
            context.SetValue(name, value is null ? NilValue.Instance : FluidValue.Create(value, Options));
        }
        return context;
    }

    /// <summary>Renders with a context from <see cref="CreateContext"/>; values are mrkdwn-escaped unless the output is plain text.</summary>
    public static string Render(IFluidTemplate template, TemplateContext context, TemplateOutput output)
    {
        var renderable = Renderable.GetValue(template, static t => new OutputTextRewriter().VisitTemplate(t));
        System.Text.Encodings.Web.TextEncoder encoder = output == TemplateOutput.Mrkdwn ? MrkdwnEncoder.Instance : NullEncoder.Default;
        // One writer per thread, reused: a message renders about ten small templates.
        var writer = t_writer ??= new StringWriter(CultureInfo.InvariantCulture);
        var builder = writer.GetStringBuilder();
        builder.Clear();
        var pending = renderable.RenderAsync(writer, encoder, context);
        if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
        var text = builder.ToString();
        if (builder.Capacity > 64 * 1024) t_writer = null; // do not keep a huge buffer alive after a large render
        return text;
    }

    [ThreadStatic]
    private static StringWriter? t_writer;

    /// <summary>Renders at the time provider's current instant.</summary>
    public static string Render(IFluidTemplate template, IReadOnlyDictionary<string, object?> model, TimeProvider time, TemplateOutput output) =>
        Render(template, model, time.GetUtcNow(), output);
}
