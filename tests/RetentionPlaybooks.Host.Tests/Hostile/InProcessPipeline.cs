using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RetentionPlaybooks.Compilation;
using RetentionPlaybooks.Evaluation;
using RetentionPlaybooks.Host.Configuration;
using RetentionPlaybooks.Host.Delivery;
using RetentionPlaybooks.Host.Pipeline;
using RetentionPlaybooks.Host.Playbooks;
using RetentionPlaybooks.Host.Storage;
using RetentionPlaybooks.Host.Webhooks;
using RetentionPlaybooks.Pipeline;
using RetentionPlaybooks.Slack;

namespace RetentionPlaybooks.Host.Tests.Hostile;

/// <summary>What one input did in process: the door's status, how many items it stored, what was rendered, and any failure.</summary>
internal sealed record InProcessOutcome(int Status, int Stored, int Escalations, string? Failure);

/// <summary>
/// The webhook path without HTTP or SQLite, fast enough for a million inputs: the real endpoint method (invoked with a
/// DefaultHttpContext and a recording store), then for what it stored the real SignalProcessor, and the stages
/// normalize → attribute tracker → read → match → decide → render one by one, so an exception that the processor
/// might swallow (quarantine) is still seen. Every rendered message is checked for mrkdwn control sequences.
/// </summary>
internal sealed class InProcessPipeline : IDisposable
{
    private readonly FakeTimeProvider _time = new(HostApp.Start);
    private readonly PlaybookCatalog _catalog;
    private readonly RecordingStore _store = new();
    private readonly SignalProcessor _processor;
    private readonly IServiceProvider _services;
    private long _inboxId;
    private readonly InMemoryEscalationHistory _history = new();
    private readonly InMemoryAttributeSnapshots _snapshots = new();
    private SignalPipeline? _pipeline;
    private long _pipelineRecords;

    public InProcessPipeline(string playbooksDirectory)
    {
        _catalog = new PlaybookCatalog(playbooksDirectory, NullLogger<PlaybookCatalog>.Instance, _time);
        _processor = new SignalProcessor(_catalog, _store, _time, NullLogger<SignalProcessor>.Instance);
        var options = Options.Create(new CustomerIoOptions
        {
            JourneySecret = HostApp.JourneySecret,
            ReportingSigningKey = HostApp.ReportingKey,
            PipelinesSecret = HostApp.PipelinesSecret,
            MaxBodyBytes = 65536,
        });
        _services = new MiniServices(new Dictionary<Type, object>
        {
            [typeof(IOptions<CustomerIoOptions>)] = options,
            [typeof(IInboxStore)] = _store.Inbox,
            [typeof(InboxSignal)] = new InboxSignal(),
            [typeof(TimeProvider)] = _time,
            [typeof(Health.HostMetrics)] = new Health.HostMetrics(new UnlistenedMeters()),
        });
    }

    /// <summary>Meters nobody listens to: the endpoints count, nothing collects.</summary>
    private sealed class UnlistenedMeters : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    public FakeTimeProvider Time => _time;

    private static readonly Dictionary<Endpoint, MethodInfo> Methods = new()
    {
        [Endpoint.Journey] = EndpointMethod("JourneyAsync"),
        [Endpoint.Reporting] = EndpointMethod("ReportingAsync"),
        [Endpoint.Pipelines] = EndpointMethod("PipelinesAsync"),
    };

    private static MethodInfo EndpointMethod(string name) =>
        typeof(WebhookEndpoints).GetMethod(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException($"WebhookEndpoints.{name} not found");

    public async Task<InProcessOutcome> RunAsync(FuzzRequest request)
    {
        _store.Accepted.Clear();
        int status;
        try
        {
            status = await DoorAsync(request);
        }
        catch (Exception ex)
        {
            return new InProcessOutcome(500, _store.Accepted.Count, 0, $"the {request.Endpoint} endpoint threw {Describe(ex)}");
        }
        var stored = _store.Accepted.Count;
        if (status >= 400 && stored > 0) return new InProcessOutcome(status, stored, 0, $"answered {status} but stored {stored} item(s)");
        if (status == 202 && stored == 0) return new InProcessOutcome(status, stored, 0, "answered 202 but stored nothing");
        if (stored == 0) return new InProcessOutcome(status, 0, 0, null);

        var records = _store.Accepted.Select(i => new InboxRecord(++_inboxId, i.Source, i.DeliveryKey, _time.GetUtcNow(), i.Payload)).ToList();
        try
        {
            await _processor.ProcessAsync(records, CancellationToken.None);
        }
        catch (Exception ex)
        {
            return new InProcessOutcome(status, stored, 0, $"SignalProcessor threw {Describe(ex)}");
        }
        var escalations = 0;
        foreach (var record in records)
        {
            var (count, failure) = await StagesAsync(record);
            escalations += count;
            if (failure is not null) return new InProcessOutcome(status, stored, escalations, $"inbox record {record.Source}/{record.DeliveryKey}: {failure}");
        }
        return new InProcessOutcome(status, stored, escalations, null);
    }

    private async Task<int> DoorAsync(FuzzRequest request)
    {
        using var message = Signed.For(request.Endpoint, request.Body, _time.GetUtcNow(), request.ContentType);
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(request.Body, writable: false);
        context.Request.ContentLength = request.Body.Length;
        foreach (var (name, values) in message.Headers) context.Request.Headers[name] = values.ToArray();
        foreach (var (name, values) in message.Content!.Headers)
        {
            if (name != "Content-Length") context.Request.Headers[name] = values.ToArray();
        }
        var method = Methods[request.Endpoint];
        var args = method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(HttpContext) ? context
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : _services.GetService(p.ParameterType) ?? throw new InvalidOperationException($"no service {p.ParameterType} for {method.Name}({p.Name})")).ToArray();
        var result = await (Task<IResult>)method.Invoke(null, args)!;
        return result switch
        {
            IStatusCodeHttpResult { StatusCode: { } code } => code,
            _ => throw new InvalidOperationException($"{method.Name} returned {result.GetType().Name} without a status code"),
        };
    }

    /// <summary>
    /// The core pipeline on its own, outside the processor's quarantine, so that any exception a stage throws is seen:
    /// nothing may throw, and every rendered message must be safe and within Block Kit's limits.
    /// </summary>
    private async Task<(int Escalations, string? Failure)> StagesAsync(InboxRecord inbox)
    {
        var escalations = 0;
        // One pipeline for many records, so a watched attribute's changes across inputs become triggers (renewed now
        // and then: it remembers every customer it has seen).
        if (_pipeline is null || ++_pipelineRecords % 10_000 == 0) _pipeline = new SignalPipeline(_catalog.Current, _history, _snapshots);
        var pipeline = _pipeline;
        try
        {
            System.Text.Json.JsonDocument doc;
            try
            {
                doc = System.Text.Json.JsonDocument.Parse(inbox.Payload);
            }
            catch (System.Text.Json.JsonException ex)
            {
                // The processor would quarantine it: the door accepted a body the pipeline then cannot read.
                return (0, $"accepted at the door but unreadable when normalized: {Describe(ex)}");
            }
            IReadOnlyList<PlaybookOutcome> outcomes;
            using (doc)
            {
                var now = _time.GetUtcNow();
                outcomes = await pipeline.ProcessAsync(inbox.Id, inbox.Source, doc.RootElement, inbox.DeliveryKey, now, now, CancellationToken.None);
            }
            pipeline.Attributes.TakeUpdates();
            pipeline.Guardrails.Clear();
            foreach (var outcome in outcomes)
            {
                if (outcome.Escalation is not { } escalation) continue;
                escalations++;
                var json = JsonNode.Parse(escalation.Message.Body.ToArray());
                var violations = MessageSafety.Violations(json);
                if (violations.Count > 0) return (escalations, $"rendered message of {escalation.Playbook} is unsafe: {string.Join("; ", violations)}\n{json!.ToJsonString()}");
                var limits = BlockKitValidator.Violations(escalation.Message.Model);
                if (limits.Count > 0) return (escalations, $"rendered message of {escalation.Playbook} breaks Block Kit limits: {string.Join("; ", limits)}");
            }
            return (escalations, null);
        }
        catch (Exception ex)
        {
            return (escalations, $"stage {pipeline.Stage} threw {Describe(ex)}");
        }
    }

    private static string Describe(Exception ex)
    {
        var inner = ex is TargetInvocationException { InnerException: { } i } ? i : ex;
        var frames = (inner.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("at RetentionPlaybooks", StringComparison.Ordinal)).Take(4);
        return $"{inner.GetType().Name}: {inner.Message} [{string.Join(" ← ", frames.Select(f => f.Split(" in ")[0][3..]))}]";
    }

    public void Dispose() => _catalog.Dispose();

    private sealed class MiniServices(Dictionary<Type, object> services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.GetValueOrDefault(serviceType);
    }
}

/// <summary>
/// A store that records what the door accepts and answers every query as an empty store would. Its aggregates are
/// DispatchProxies, so members the product adds to the interfaces need no change here; the guardrail history and the
/// attribute snapshots are the core's in-memory ones (empty).
/// </summary>
internal sealed class RecordingStore : IStore
{
    public RecordingStore()
    {
        Inbox = Proxy<IInboxStore>();
        Decisions = Proxy<IDecisionStore>();
        Deliveries = Proxy<IDeliveryStore>();
        Actions = Proxy<IActionStore>();
        Health = Proxy<IStoreHealth>();
        Leases = Proxy<ILeaseStore>();
    }

    private T Proxy<T>()
    {
        var proxy = DispatchProxy.Create<T, StoreProxy>();
        ((StoreProxy)(object)proxy!).Owner = this;
        return proxy;
    }

    public IInboxStore Inbox { get; }

    public IDecisionStore Decisions { get; }

    public IEscalationHistory Escalations { get; } = new InMemoryEscalationHistory();

    public IAttributeSnapshots Attributes { get; } = new InMemoryAttributeSnapshots();

    public IDeliveryStore Deliveries { get; }

    public ILeaseStore Leases { get; }

    public IActionStore Actions { get; }

    public IStoreHealth Health { get; }

    public ValueTask DisposeAsync() => default;

    public List<InboxItem> Accepted { get; } = [];

#pragma warning disable CA1852 // DispatchProxy needs a non-sealed type it can derive from.
    public class StoreProxy : DispatchProxy
#pragma warning restore CA1852
    {
        internal RecordingStore? Owner { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IInboxStore.AcceptAsync) && args?[0] is IReadOnlyList<InboxItem> items)
            {
                Owner!.Accepted.AddRange(items);
                return Task.FromResult(new AcceptResult(items.Count, 0, items.Select((_, i) => (long)i + 1).ToArray()));
            }
            return Empty(targetMethod.ReturnType);
        }

        private static object? Empty(Type type)
        {
            if (type == typeof(Task)) return Task.CompletedTask;
            if (type == typeof(ValueTask)) return default(ValueTask);
            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            {
                var inner = type.GetGenericArguments()[0];
                var value = EmptyValue(inner);
                return type.GetGenericTypeDefinition() == typeof(Task<>)
                    ? typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(inner).Invoke(null, [value])
                    : Activator.CreateInstance(type, value);
            }
            return EmptyValue(type);
        }

        private static object? EmptyValue(Type type)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyList<>) || d == typeof(IReadOnlyCollection<>) || d == typeof(IEnumerable<>) || d == typeof(IList<>)))
            {
                return Array.CreateInstance(type.GetGenericArguments()[0], 0);
            }
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }
    }
}
