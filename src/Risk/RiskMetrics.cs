using System.Diagnostics.Metrics;

namespace Bazaar.Risk;

/// <summary>Risk's business counters, exported on /metrics and over OTLP with the rest.</summary>
public sealed class RiskMetrics
{
    readonly Counter<long> _decisions;
    readonly Counter<long> _velocityUnavailable;
    readonly Counter<long> _ruleReloads;

    public RiskMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Bazaar.Risk");
        _decisions = meter.CreateCounter<long>("bazaar.risk.decisions", description: "Orders assessed, by decision");
        _velocityUnavailable = meter.CreateCounter<long>("bazaar.risk.velocity_unavailable", description: "Orders assessed without velocity counters (Redis unavailable)");
        _ruleReloads = meter.CreateCounter<long>("bazaar.risk.rule_reloads", description: "Times this replica loaded the rules from the database");
    }

    /// <param name="decision">approve, review, decline</param>
    public void Decided(string decision) => _decisions.Add(1, new KeyValuePair<string, object?>("decision", decision));

    public void VelocityUnavailable() => _velocityUnavailable.Add(1);

    public void RulesReloaded() => _ruleReloads.Add(1);
}
