using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RetentionPlaybooks.Host.Health;

namespace RetentionPlaybooks.Host.Tests;

/// <summary>
/// A <see cref="HostMetrics"/> on a meter factory of its own, and a listener on that factory alone (so tests running beside
/// it, with their own hosts, are not heard): the instruments it publishes and every measurement, with its tags, in order.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<Instrument> _instruments = [];
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricsRecorder()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != HostMetrics.MeterName || instrument.Meter.Scope != factory) return;
            lock (_instruments) _instruments.Add(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        Metrics = new HostMetrics(factory);
    }

    /// <summary>The instruments to give the code under test.</summary>
    public HostMetrics Metrics { get; }

    /// <summary>The instruments <see cref="Metrics"/> published, in the order it created them.</summary>
    public IReadOnlyList<Instrument> Instruments
    {
        get { lock (_instruments) return [.. _instruments]; }
    }

    /// <summary>Every measurement so far, in order.</summary>
    public IReadOnlyList<(string Name, double Value, Dictionary<string, object?> Tags)> Measurements
    {
        get { lock (_measurements) return [.. _measurements]; }
    }

    /// <summary>Reads the observable gauges now, as a scrape would.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Clear()
    {
        lock (_measurements) _measurements.Clear();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        lock (_measurements) _measurements.Add((instrument.Name, value, copy));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
