using System.Text.Json;
using Bazaar.Risk.Rules;
using Bazaar.Risk.Velocity;
using Dapper;
using Npgsql;

namespace Bazaar.Risk.Assessments;

public sealed record AssessmentResult(Guid AssessmentId, Guid OrderId, string Decision, int Score, IReadOnlyList<RiskReason> Reasons);

/// <summary>
/// Decides on an order once: the first request for an order id records its velocity, applies the rules and stores the
/// assessment; any later request (a retry, a resumed saga, a concurrent duplicate) gets that stored assessment back.
/// The store is not asked first: repeats are rare, and a repeat's work is harmless (velocity counts an order id once,
/// and its insert finds the first assessment), so the usual first request costs one statement.
/// </summary>
public sealed class RiskAssessor(NpgsqlDataSource db, RuleCache rules, VelocityCounters velocity, RiskMetrics metrics, TimeProvider clock,
    ILogger<RiskAssessor> logger)
{
    public async Task<AssessmentResult> AssessAsync(RiskInput order, CancellationToken ct)
    {
        var active = await rules.RulesAsync(ct);
        var velocityRules = active.OfType<VelocityRule>().ToList();
        var windows = velocityRules.Select(r => new VelocityWindow(r.Subject, r.WindowSeconds)).Distinct().ToList();
        var summed = velocityRules.Where(r => r.MaxAmount is not null).Select(r => new VelocityWindow(r.Subject, r.WindowSeconds)).ToHashSet();
        // Counted once per order id even if this request loses the race below: the counters are idempotent by order id.
        var counts = await velocity.RecordAsync(order, windows, ct, summed);
        var now = clock.GetUtcNow();
        var result = Evaluator.Evaluate(active, order, counts, now);

        var id = Guid.CreateVersion7(now);
        await using var connection = await db.OpenConnectionAsync(ct);
        var inserted = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("""
            insert into risk_assessments (id, order_id, customer_id, amount, currency, decision, score, reasons, input, created_at)
            values (@id, @OrderId, @CustomerId, @Amount, @Currency, @Decision, @Score, @Reasons::jsonb, @Input::jsonb, @now)
            on conflict (order_id) do nothing
            returning id
            """, new
            {
                id, order.OrderId, order.CustomerId, order.Amount, order.Currency, result.Decision, result.Score,
                Reasons = JsonSerializer.Serialize(result.Reasons, JsonSerializerOptions.Web),
                Input = JsonSerializer.Serialize(order, JsonSerializerOptions.Web),
                now,
            }, cancellationToken: ct));
        if (inserted is null)
            return await FindAsync(order.OrderId, ct) ?? throw new InvalidOperationException($"The assessment of order {order.OrderId} vanished.");

        metrics.Decided(result.Decision);
        // Every assessment is stored with its reasons and counted; the log names the ones someone may look into.
        logger.Log(result.Decision == Decisions.Approve ? LogLevel.Debug : LogLevel.Information,
            "Order {OrderId} assessed: {Decision}, score {Score}, {Reasons} reasons", order.OrderId, result.Decision, result.Score, result.Reasons.Count);
        return new AssessmentResult(id, order.OrderId, result.Decision, result.Score, result.Reasons);
    }

    async Task<AssessmentResult?> FindAsync(Guid orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<StoredAssessment>(new CommandDefinition(
            "select id, order_id as orderid, decision, score, reasons::text as reasons from risk_assessments where order_id = @orderId",
            new { orderId }, cancellationToken: ct));
        return row is null ? null : new AssessmentResult(row.Id, row.OrderId, row.Decision, row.Score, ReadReasons(row.Reasons));
    }

    public static IReadOnlyList<RiskReason> ReadReasons(string json) =>
        JsonSerializer.Deserialize<List<RiskReason>>(json, JsonSerializerOptions.Web) ?? [];

    sealed record StoredAssessment(Guid Id, Guid OrderId, string Decision, int Score, string Reasons);
}
