using System.Diagnostics.Metrics;
using Bazaar.ServiceDefaults.Telemetry;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class PrometheusMetricsTests
{
    [Fact]
    public void Counters_histograms_and_gauges_render_in_the_text_format()
    {
        using var meter = new Meter("Bazaar.Test." + Guid.NewGuid().ToString("N"));
        using var metrics = new PrometheusMetrics(m => m == meter);
        var orders = meter.CreateCounter<long>("bazaar.orders", description: "Orders placed");
        var latency = meter.CreateHistogram<double>("checkout.duration", unit: "s");
        var queue = 7;
        meter.CreateObservableGauge("queue.depth", () => queue);

        orders.Add(2, new KeyValuePair<string, object?>("status", "confirmed"));
        orders.Add(1, new KeyValuePair<string, object?>("status", "confirmed"));
        orders.Add(1, new KeyValuePair<string, object?>("status", "rejected"));
        latency.Record(0.004);
        latency.Record(0.2);
        latency.Record(42);

        var text = metrics.Render();

        text.ShouldContain("# TYPE bazaar_orders_total counter");
        text.ShouldContain("bazaar_orders_total{status=\"confirmed\"} 3");
        text.ShouldContain("bazaar_orders_total{status=\"rejected\"} 1");
        text.ShouldContain("# TYPE checkout_duration_seconds histogram");
        text.ShouldContain("checkout_duration_seconds_bucket{le=\"0.005\"} 1");
        text.ShouldContain("checkout_duration_seconds_bucket{le=\"0.25\"} 2");
        text.ShouldContain("checkout_duration_seconds_bucket{le=\"10\"} 2");
        text.ShouldContain("checkout_duration_seconds_bucket{le=\"+Inf\"} 3");
        text.ShouldContain("checkout_duration_seconds_count 3");
        text.ShouldContain("checkout_duration_seconds_sum 42.204");
        text.ShouldContain("queue_depth 7");
        queue = 9;
        metrics.Render().ShouldContain("queue_depth 9");
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        using var meter = new Meter("Bazaar.Test." + Guid.NewGuid().ToString("N"));
        using var metrics = new PrometheusMetrics(m => m == meter);
        meter.CreateCounter<int>("weird").Add(1, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        metrics.Render().ShouldContain("weird_total{path=\"a\\\"b\\\\c\\nd\"} 1");
    }

    [Fact]
    public void Meters_that_are_not_included_are_not_exposed()
    {
        using var included = new Meter("Bazaar.Test.In." + Guid.NewGuid().ToString("N"));
        using var excluded = new Meter("Other.Test." + Guid.NewGuid().ToString("N"));
        using var metrics = new PrometheusMetrics(m => m == included);
        included.CreateCounter<int>("seen").Add(1);
        excluded.CreateCounter<int>("unseen").Add(1);
        var text = metrics.Render();
        text.ShouldContain("seen_total 1");
        text.ShouldNotContain("unseen");
    }
}
