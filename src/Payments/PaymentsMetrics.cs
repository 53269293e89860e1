using System.Diagnostics.Metrics;
using Bazaar.Payments.Payments;
using Bazaar.ServiceDefaults.Telemetry;

namespace Bazaar.Payments;

/// <summary>Payments' business counters, exported on /metrics and over OTLP with the rest.</summary>
public sealed class PaymentsMetrics
{
    readonly Counter<long> _operations;
    readonly Counter<long> _providerErrors;
    readonly Counter<long> _resolved;
    readonly Counter<long> _webhooks;
    readonly Counter<long> _tokens;

    /// <summary>What the resolver's last pass found unknown for longer than Payments:UnknownStuckAfter, by kind.</summary>
    readonly LastCountGauge _stuck;

    public PaymentsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Bazaar.Payments");
        _operations = meter.CreateCounter<long>("bazaar.payments.operations", description: "Provider operations by kind and settled status");
        _providerErrors = meter.CreateCounter<long>("bazaar.payments.provider_errors", description: "Provider calls that timed out or failed in transport, by operation");
        _resolved = meter.CreateCounter<long>("bazaar.payments.unknown_resolved", description: "Unknown outcomes settled after the fact, by kind and status");
        _webhooks = meter.CreateCounter<long>("bazaar.payments.webhooks", description: "Webhook deliveries by result");
        _tokens = meter.CreateCounter<long>("bazaar.payments.sandbox_tokens", description: "Sandbox card tokenisations by result");
        _stuck = new LastCountGauge(meter, "bazaar.payments.unknown_outcomes", "kind", LedgerKind.All, "{call}",
            "Provider calls whose outcome has been unknown for longer than Payments:UnknownStuckAfter, by kind, at the resolver's last pass");
    }

    /// <param name="kind">authorization, capture, void, refund</param>
    /// <param name="status">succeeded, failed, unknown</param>
    public void Operation(string kind, string status) =>
        _operations.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("status", status));

    /// <param name="reason">timeout, error, not_configured (the payment's provider is not set up here)</param>
    public void ProviderError(string operation, string reason) =>
        _providerErrors.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reason));

    public void Resolved(string kind, string status) =>
        _resolved.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("status", status));

    /// <param name="result">processed, duplicate (a redelivery), ignored (about nothing of ours), in_progress (an earlier delivery is processing it), retry (not settled yet), rejected (signature)</param>
    public void Webhook(string result) => _webhooks.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>The calls unknown for too long that the resolver's last pass counted, by kind (kinds it did not name: none).</summary>
    public void StuckUnknown(IReadOnlyDictionary<string, int> byKind) => _stuck.Set(byKind);

    /// <param name="result">created, invalid</param>
    public void Token(string result) => _tokens.Add(1, new KeyValuePair<string, object?>("result", result));
}
