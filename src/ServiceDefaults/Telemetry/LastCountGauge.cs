using System.Diagnostics.Metrics;

namespace Bazaar.ServiceDefaults.Telemetry;

/// <summary>
/// A gauge of what a background pass last counted, one series per value of one label: a sweep's stuck orders by
/// status, the resolver's long-unknown calls by kind. Every value is reported, 0 when the pass found none, so a
/// backlog that clears shows as 0 rather than as a series that vanishes (which an alert cannot tell from a scrape
/// that failed).
/// </summary>
public sealed class LastCountGauge
{
    readonly IReadOnlyList<string> _values;
    volatile IReadOnlyDictionary<string, int> _counts;

    public LastCountGauge(Meter meter, string name, string label, IReadOnlyList<string> values, string unit, string description)
    {
        _values = values;
        _counts = values.ToDictionary(v => v, _ => 0);
        meter.CreateObservableGauge(name, () => _counts.Select(c => new Measurement<int>(c.Value, new KeyValuePair<string, object?>(label, c.Key))),
            unit, description);
    }

    /// <summary>The last pass's counts; values it did not name count 0, and ones not declared are ignored.</summary>
    public void Set(IReadOnlyDictionary<string, int> counts) => _counts = _values.ToDictionary(v => v, v => counts.GetValueOrDefault(v));
}
