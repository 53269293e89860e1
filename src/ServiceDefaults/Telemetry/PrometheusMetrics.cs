using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Bazaar.ServiceDefaults.Telemetry;

/// <summary>
/// Listens to this service's meters and renders them in the Prometheus text exposition format (version 0.0.4).
/// Hand-written because the mirror has no Prometheus exporter package (docs/decisions/0005-metrics-exposition.md).
/// Counters become <c>_total</c>, histograms get cumulative buckets, observable instruments are read at scrape time.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    readonly Func<Meter, bool> _include;

    public PrometheusMetrics(Func<Meter, bool> include)
    {
        _include = include;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!_include(instrument.Meter))
                return;
            _instruments.TryAdd(instrument, new InstrumentState(instrument, BucketsFor(instrument)));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<byte>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<decimal>((i, v, tags, _) => Record(i, (double)v, tags));
        _listener.Start();
    }

    static double[] BucketsFor(Instrument instrument) =>
        instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b],
            Histogram<long> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(x => (double)x)],
            Histogram<int> { Advice.HistogramBucketBoundaries: { Count: > 0 } b } => [.. b.Select(x => (double)x)],
            _ => DefaultBuckets,
        };

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state))
            state.Record(value, tags);
    }

    /// <summary>Renders every series; observable instruments are sampled now.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var output = new StringBuilder();
        foreach (var group in _instruments.Values.GroupBy(s => s.MetricName).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            output.Append("# HELP ").Append(first.MetricName).Append(' ').Append(Escape(first.Description)).Append('\n');
            output.Append("# TYPE ").Append(first.MetricName).Append(' ').Append(first.PrometheusType).Append('\n');
            foreach (var state in group)
                state.WriteSeries(output);
        }
        return output.ToString();
    }

    public void Dispose() => _listener.Dispose();

    static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string SanitizeName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
            builder.Insert(0, '_');
        return builder.ToString();
    }

    internal static string MetricNameFor(Instrument instrument)
    {
        var name = SanitizeName(instrument.Name);
        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => "ratio",
            null or "" => null,
            var u when u.StartsWith('{') => null, // annotations such as {request} carry no unit
            var u => SanitizeName(u),
        };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
            name += "_" + unit;
        var monotonic = instrument is Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int>;
        if (monotonic && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    sealed class InstrumentState(Instrument instrument, double[] buckets)
    {
        readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        readonly bool _isHistogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
        readonly bool _isGauge = instrument.GetType().Name.StartsWith("ObservableGauge", StringComparison.Ordinal)
                                 || instrument.GetType().Name.StartsWith("Gauge", StringComparison.Ordinal);
        readonly bool _isObservable = instrument.IsObservable;

        public string MetricName { get; } = MetricNameFor(instrument);
        public string Description { get; } = instrument.Description ?? instrument.Name;
        public string PrometheusType => _isHistogram ? "histogram" : _isGauge || instrument.GetType().Name.Contains("UpDown", StringComparison.Ordinal) ? "gauge" : "counter";

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = FormatLabels(tags);
            var series = _series.GetOrAdd(labels, _ => new Series(_isHistogram ? buckets.Length + 1 : 0));
            lock (series)
            {
                if (_isHistogram)
                {
                    var index = Array.FindIndex(buckets, b => value <= b);
                    series.Buckets[index < 0 ? buckets.Length : index]++;
                    series.Count++;
                    series.Sum += value;
                }
                else if (_isObservable)
                {
                    series.Sum = value; // observable instruments report the current value (or cumulative total)
                }
                else
                {
                    series.Sum += value;
                }
            }
        }

        public void WriteSeries(StringBuilder output)
        {
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (!_isHistogram)
                    {
                        output.Append(MetricName).Append(Braces(labels)).Append(' ').Append(Format(series.Sum)).Append('\n');
                        continue;
                    }
                    long cumulative = 0;
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        cumulative += series.Buckets[i];
                        output.Append(MetricName).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Format(buckets[i])}\"")))
                            .Append(' ').Append(cumulative).Append('\n');
                    }
                    output.Append(MetricName).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\""))).Append(' ').Append(series.Count).Append('\n');
                    output.Append(MetricName).Append("_sum").Append(Braces(labels)).Append(' ').Append(Format(series.Sum)).Append('\n');
                    output.Append(MetricName).Append("_count").Append(Braces(labels)).Append(' ').Append(series.Count).Append('\n');
                }
            }
        }

        static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;
        static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";
        static string Format(double value) => double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

        static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
                return "";
            var pairs = new List<(string, string)>(tags.Length);
            foreach (var tag in tags)
            {
                var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
                pairs.Add((SanitizeName(tag.Key), value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)));
            }
            pairs.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return string.Join(",", pairs.Select(p => $"{p.Item1}=\"{p.Item2}\""));
        }
    }

    sealed class Series(int bucketCount)
    {
        public long[] Buckets { get; } = new long[bucketCount];
        public long Count { get; set; }
        public double Sum { get; set; }
    }
}
