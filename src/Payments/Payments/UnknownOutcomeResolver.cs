using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Payments;

/// <summary>
/// Every few seconds, asks the provider what happened to calls whose outcome is unknown (timeouts, crashes) and
/// settles them, so an unknown payment becomes authorized or declined without anyone guessing.
/// </summary>
public sealed class UnknownOutcomeResolver(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options,
    ILogger<UnknownOutcomeResolver> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResolveInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var settled = await scope.ServiceProvider.GetRequiredService<PaymentService>().ResolveUnknownAsync(stoppingToken);
                if (settled > 0)
                    logger.LogInformation("Settled {Count} unknown payment outcomes", settled);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Resolving unknown payment outcomes failed; will retry"); // never fatal: a crashed resolver would stop the host
            }
        }
    }
}
