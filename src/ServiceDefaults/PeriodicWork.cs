using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults;

/// <summary>
/// Background work run every <see cref="Interval"/> for the life of the service (sweepers, resolvers, purges). A run
/// that fails is logged and the next one comes on time: an exception escaping the loop would stop the host.
/// </summary>
public abstract class PeriodicWork(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    /// <summary>What the work is, for the log ("Saga sweep" gives "Saga sweep failed; will retry").</summary>
    protected abstract string Name { get; }

    /// <summary>Whether the first run comes at start-up rather than one interval later.</summary>
    protected virtual bool RunAtStart => false;

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        if (RunAtStart)
            await RunSafelyAsync(stoppingToken);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await RunSafelyAsync(stoppingToken);
    }

    async Task RunSafelyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunOnceAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Logger.LogWarning(e, "{Work} failed; will retry", Name);
        }
    }
}
