using Bazaar.ServiceDefaults;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Ordering.Checkout;

/// <summary>An order a sweep takes up: its status when selected, and how often it was tried before.</summary>
public readonly record struct DueOrder(Guid Id, string Status, int Attempts);

/// <summary>
/// How the sweeper works through a batch of orders due for another try (stuck in checkout, a cancellation left half
/// way, a review that outlasted its time): in turn, within the sweep's time (at least one); an order that could not be
/// finished waits before it is tried again, and goes behind the others.
/// </summary>
public sealed class DueOrders(NpgsqlDataSource db, IOptions<SagaOptions> options, TimeProvider clock, ILogger<DueOrders> logger)
{
    /// <param name="attempt">true: done; null: nothing to do now (someone else has it, or it changed meanwhile); false:
    /// not finished (another service did not answer)</param>
    /// <param name="action">what an attempt does, for the log ("advance", "withdraw"…)</param>
    /// <param name="spent">whether the sweep's time is up (checked before each order after the first)</param>
    /// <returns>How many were done.</returns>
    public async Task<int> WorkOffAsync(IReadOnlyList<DueOrder> due, Func<DueOrder, Task<bool?>> attempt, string action, Func<bool> spent, CancellationToken ct)
    {
        var done = 0;
        for (var i = 0; i < due.Count; i++)
        {
            // Within its time budget: during an outage every step waits for its timeouts, and a sweep that ran for
            // many minutes would leave the orders due since it began waiting. The rest come first in the next sweep.
            if (i > 0 && spent())
                break;
            bool? outcome;
            try
            {
                outcome = await attempt(due[i]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not {Action} order {OrderId}; will retry", action, due[i].Id);
                await PostponeAsync(due[i], ct);
                continue;
            }
            if (outcome == true)
                done++;
            else if (outcome == false)
            {
                logger.LogWarning("Could not {Action} order {OrderId}: another service did not answer; will retry", action, due[i].Id);
                await PostponeAsync(due[i], ct);
            }
        }
        return done;
    }

    /// <summary>
    /// An order that could not be finished (and is still in the status it was selected in) waits before the next try:
    /// <see cref="SagaOptions.StuckAfter"/>, then twice as long each time, up to <see cref="SagaOptions.SweepBackoffLimit"/>.
    /// </summary>
    async Task PostponeAsync(DueOrder order, CancellationToken ct)
    {
        var settings = options.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update orders set sweep_attempts = sweep_attempts + 1, sweep_after = @next where id = @id and status = @status",
            new { id = order.Id, status = order.Status, next = clock.GetUtcNow() + RetryDelay.Doubling(settings.StuckAfter, order.Attempts + 1, settings.SweepBackoffLimit) },
            cancellationToken: ct));
    }
}
