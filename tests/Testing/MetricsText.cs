using System.Globalization;
using Xunit.Sdk;

namespace Bazaar.Testing;

/// <summary>Reads the Prometheus text a service serves on <c>/metrics</c>.</summary>
public static class MetricsText
{
    /// <summary>
    /// The value of one series, e.g. <c>bazaar_payments_webhooks_total{result="duplicate"}</c>. One that is not exported
    /// fails the test rather than reading as 0, unless the caller says what absence means (a counter nobody has
    /// incremented yet).
    /// </summary>
    public static double Series(string metrics, string series, double? whenMissing = null) =>
        metrics.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault() ?? whenMissing ?? throw new XunitException($"{series} is not exported");
}
