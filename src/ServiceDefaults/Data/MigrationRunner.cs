using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>
/// Applies versioned SQL migrations: in order, each in its own transaction, under a PostgreSQL advisory lock so
/// that two processes racing (two migration Jobs, two developers) apply each migration exactly once, and recorded in
/// <c>schema_migrations</c>. An applied migration whose file has since changed stops the run. Each waits at most
/// <see cref="LockTimeout"/> for a lock, so a busy table is not blocked behind it for the length of a long transaction.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Any fixed number works; it only has to be the same for every process migrating this database.
    const long LockKey = 0x6261_7a61_6172; // "bazaar"

    /// <summary>How long a migration waits for a table's lock before it steps back (and tries again, <see cref="LockAttempts"/> times in all).</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(3);

    const int LockAttempts = 10;

    const string HistoryTable = """
        create table if not exists schema_migrations (
            module text not null,
            version int not null,
            name text not null,
            checksum text not null,
            applied_at timestamptz not null default now(),
            primary key (module, version)
        )
        """;

    public async Task<IReadOnlyList<Migration>> ApplyAsync(IEnumerable<Migration> migrations, CancellationToken ct)
    {
        var all = migrations.ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, null, "select pg_advisory_lock(@key)", ct, ("key", LockKey));
        try
        {
            await ExecuteAsync(connection, null, HistoryTable, ct);
            var applied = await ReadHistoryAsync(connection, ct);
            var done = new List<Migration>();
            foreach (var migration in all.OrderBy(m => m.Module, StringComparer.Ordinal).ThenBy(m => m.Version))
            {
                if (applied.TryGetValue((migration.Module, migration.Version), out var checksum))
                {
                    if (checksum != migration.Checksum)
                        throw new InvalidOperationException($"Migration {migration.Id} was changed after it was applied. Add a new migration instead.");
                    continue;
                }
                for (var attempt = 1; ; attempt++)
                {
                    await using var transaction = await connection.BeginTransactionAsync(ct);
                    try
                    {
                        // A lock held by a live request (an order row locked while payments answers) must not leave
                        // every later query of the table queued behind this migration: give up soon, and try again.
                        await ExecuteAsync(connection, transaction, $"set local lock_timeout = '{(int)LockTimeout.TotalMilliseconds}ms'", ct);
                        await ExecuteAsync(connection, transaction, migration.Sql, ct);
                        await ExecuteAsync(connection, transaction,
                            "insert into schema_migrations (module, version, name, checksum) values (@module, @version, @name, @checksum)", ct,
                            ("module", migration.Module), ("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum));
                        await transaction.CommitAsync(ct);
                        break;
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && attempt < LockAttempts)
                    {
                        await transaction.RollbackAsync(ct);
                        logger.LogWarning("Migration {Migration} waited {Timeout} for a lock; trying again ({Attempt} of {Attempts})",
                            migration.Id, LockTimeout, attempt + 1, LockAttempts);
                        await Task.Delay(LockTimeout, ct);
                    }
                }
                logger.LogInformation("Applied migration {Migration}", migration.Id);
                done.Add(migration);
            }
            return done;
        }
        finally
        {
            await ExecuteAsync(connection, null, "select pg_advisory_unlock(@key)", CancellationToken.None, ("key", LockKey));
        }
    }

    /// <summary>The migrations not yet applied (all of them when the history table does not exist yet).</summary>
    public static async Task<IReadOnlyList<Migration>> PendingAsync(NpgsqlDataSource dataSource, IEnumerable<Migration> migrations, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var exists = new NpgsqlCommand("select to_regclass('schema_migrations') is not null", connection);
        var applied = (bool)(await exists.ExecuteScalarAsync(ct))! ? await ReadHistoryAsync(connection, ct) : [];
        return [.. migrations.Where(m => !applied.ContainsKey((m.Module, m.Version)))];
    }

    static async Task<Dictionary<(string, int), string>> ReadHistoryAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var applied = new Dictionary<(string, int), string>();
        await using var command = new NpgsqlCommand("select module, version, checksum from schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            applied[(reader.GetString(0), reader.GetInt32(1))] = reader.GetString(2);
        return applied;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
