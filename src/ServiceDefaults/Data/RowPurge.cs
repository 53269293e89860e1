using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>
/// Rows a service deletes once they have served their purpose: those of <see cref="Table"/> whose
/// <see cref="TimeColumn"/> is more than <see cref="Keep"/> in the past (expired tokens, old idempotency keys).
/// The names are the service's own constants, never input; the column wants an index.
/// </summary>
public sealed partial record PurgeRule(string Table, string TimeColumn, TimeSpan Keep)
{
    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();

    internal void Validate()
    {
        if (!Identifier().IsMatch(Table) || !Identifier().IsMatch(TimeColumn))
            throw new ArgumentException($"Purge rules name a table and a column in lower_snake_case: '{Table}.{TimeColumn}'.");
        if (Keep < TimeSpan.Zero)
            throw new ArgumentException($"A purge rule keeps rows for a positive time: {Table} keeps {Keep}.");
    }
}

public static class RowPurgeSetup
{
    /// <summary>Deletes the rule's rows every ten minutes, a thousand at a time (one background service for all rules).</summary>
    public static IServiceCollection AddRowPurge(this IServiceCollection services, PurgeRule rule)
    {
        rule.Validate();
        services.AddSingleton(rule);
        services.TryAddSingleton<RowPurger>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RowPurger>(sp => sp.GetRequiredService<RowPurger>()));
        return services;
    }
}

/// <summary>Runs the service's <see cref="PurgeRule"/>s, so tables of short-lived rows do not grow for ever.</summary>
public sealed class RowPurger(NpgsqlDataSource dataSource, IEnumerable<PurgeRule> rules, TimeProvider clock, ILogger<RowPurger> logger)
    : PeriodicWork(clock, logger)
{
    const int Batch = 1000;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

    protected override string Name => "Purging old rows";

    protected override Task RunOnceAsync(CancellationToken ct) => PurgeAsync(ct);

    /// <returns>How many rows were deleted, over all rules.</returns>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var total = 0;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        foreach (var rule in rules)
        {
            var cutoff = Clock.GetUtcNow() - rule.Keep;
            var deleted = 0;
            for (var round = 0; round < 100; round++) // at most 100,000 rows a rule per pass; the next pass goes on
            {
                var batch = await connection.ExecuteAsync(new CommandDefinition($"""
                    delete from {rule.Table} where ctid = any(array(select ctid from {rule.Table} where {rule.TimeColumn} < @cutoff limit {Batch}))
                    """, new { cutoff }, cancellationToken: ct));
                deleted += batch;
                if (batch < Batch)
                    break;
            }
            if (deleted > 0)
                Logger.LogInformation("Deleted {Count} rows of {Table} older than {Keep}", deleted, rule.Table, rule.Keep);
            total += deleted;
        }
        return total;
    }
}
