using Bazaar.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Payments;

/// <summary>
/// Every few seconds, asks the provider what happened to calls whose outcome is unknown (timeouts, crashes) and
/// settles them, so an unknown payment becomes authorized or declined without anyone guessing.
/// </summary>
public sealed class UnknownOutcomeResolver(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options,
    ILogger<UnknownOutcomeResolver> logger) : PeriodicWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.ResolveInterval;

    protected override string Name => "Resolving unknown payment outcomes";

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var settled = await scope.ServiceProvider.GetRequiredService<PaymentService>().ResolveUnknownAsync(ct);
        if (settled > 0)
            Logger.LogInformation("Settled {Count} unknown payment outcomes", settled);
    }
}
