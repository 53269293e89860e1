using System.Diagnostics.Metrics;

namespace Bazaar.Identity;

/// <summary>Identity's business counters, exported on /metrics and over OTLP with the rest.</summary>
public sealed class IdentityMetrics
{
    readonly Counter<long> _registrations;
    readonly Counter<long> _signIns;
    readonly Counter<long> _lockouts;
    readonly Counter<long> _refreshes;
    readonly Counter<long> _passwordResets;

    public IdentityMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Bazaar.Identity");
        _registrations = meter.CreateCounter<long>("bazaar.identity.registrations", description: "Accounts created");
        _signIns = meter.CreateCounter<long>("bazaar.identity.sign_ins", description: "Sign-in attempts by outcome");
        _lockouts = meter.CreateCounter<long>("bazaar.identity.lockouts", description: "Accounts locked after repeated failed sign-ins");
        _refreshes = meter.CreateCounter<long>("bazaar.identity.refreshes", description: "Refresh-token uses by outcome");
        _passwordResets = meter.CreateCounter<long>("bazaar.identity.password_resets", description: "Password resets by stage");
    }

    public void Registered() => _registrations.Add(1);

    /// <param name="outcome">success, invalid_credentials, locked, rate_limited</param>
    public void SignIn(string outcome) => _signIns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void LockedOut() => _lockouts.Add(1);

    /// <param name="outcome">rotated, invalid, reuse</param>
    public void Refresh(string outcome) => _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="stage">requested, completed</param>
    public void PasswordReset(string stage) => _passwordResets.Add(1, new KeyValuePair<string, object?>("stage", stage));
}
