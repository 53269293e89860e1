using System.Text.Json;
using Bazaar.ServiceDefaults.Redis;
using Dapper;
using Npgsql;

namespace Bazaar.Risk.Rules;

/// <summary>
/// The enabled rules, parsed and validated, held in memory by each replica. Every rule write bumps the version in
/// Redis (<see cref="VersionKey"/>); a replica compares it with the version it loaded at most once a second and
/// reloads from PostgreSQL when it differs. Without Redis it reloads every 30 seconds instead, and a bump it could
/// not deliver is replayed when Redis answers again. Whatever the version says, rules are reloaded at least once a
/// minute: a change whose announcement was lost for good (the replica that wrote it stopped first) still arrives.
/// </summary>
public sealed class RuleCache(NpgsqlDataSource db, IRedisClient redis, TimeProvider clock, RiskMetrics metrics, ILogger<RuleCache> logger)
{
    public const string VersionKey = "risk:rules:version";
    static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    static readonly TimeSpan ReloadWithoutRedisEvery = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ReloadAtLeastEvery = TimeSpan.FromMinutes(1);
    static readonly TimeSpan RedisRetryAfter = TimeSpan.FromSeconds(5);

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly Lock _sync = new();
    volatile Snapshot? _current;
    long _generation;
    long _redisRetryAtTicks;
    int _bumpMissed;

    sealed record Snapshot(IReadOnlyList<RiskRule> Rules, string? Version, DateTimeOffset LoadedAt, DateTimeOffset CheckedAt);

    public async Task<IReadOnlyList<RiskRule>> RulesAsync(CancellationToken ct)
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.CheckedAt < CheckEvery)
            return current.Rules;
        if (current is null)
            await _gate.WaitAsync(ct);
        else if (!await _gate.WaitAsync(0, ct))
            return current.Rules; // another request is checking right now; these rules are at most a moment old
        try
        {
            return await RefreshAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>After a rule write has committed: this replica reloads on its next use, the others within about a second.</summary>
    public async Task ChangedAsync()
    {
        lock (_sync)
        {
            _generation++;
            _current = null;
        }
        try
        {
            await redis.ExecuteAsync(["SET", VersionKey, NewVersion()], CancellationToken.None);
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException)
        {
            Interlocked.Exchange(ref _bumpMissed, 1);
            logger.LogWarning("Could not announce a risk rule change through Redis; other replicas reload within {Seconds}s: {Error}",
                ReloadWithoutRedisEvery.TotalSeconds, e.Message);
        }
    }

    async Task<IReadOnlyList<RiskRule>> RefreshAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = _current;
        if (current is not null && now - current.CheckedAt < CheckEvery)
            return current.Rules;
        var generation = Interlocked.Read(ref _generation);
        // The version is read before the rules: a write landing in between only causes one more reload.
        var version = await ReadVersionAsync(ct);
        var unchanged = current is not null
            && (version is not null ? version == current.Version && now - current.LoadedAt < ReloadAtLeastEvery : now - current.LoadedAt < ReloadWithoutRedisEvery);
        if (unchanged)
        {
            Publish(current! with { CheckedAt = now }, generation);
            return current!.Rules;
        }
        var rules = await LoadAsync(ct);
        Publish(new Snapshot(rules, version, now, now), generation);
        return rules;
    }

    /// <summary>A rule written while this check ran has emptied the cache; leave it empty so the next call loads again.</summary>
    void Publish(Snapshot snapshot, long generation)
    {
        lock (_sync)
        {
            if (_generation == generation)
                _current = snapshot;
        }
    }

    /// <summary>
    /// A version is a random value, never a counter: a counter restarted by a Redis that lost its data could repeat the
    /// value a replica loaded its rules at, and that replica would keep old rules.
    /// </summary>
    static string NewVersion() => Guid.NewGuid().ToString("N");

    /// <summary>The current version, or null when Redis cannot say (then rules are reloaded on a timer).</summary>
    async Task<string?> ReadVersionAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _redisRetryAtTicks))
            return null;
        var replay = Interlocked.Exchange(ref _bumpMissed, 0) == 1;
        try
        {
            if (replay)
            {
                var announced = NewVersion();
                await redis.ExecuteAsync(["SET", VersionKey, announced], ct);
                return announced;
            }
            // No version (a new Redis, or one that lost its data, perhaps with a change announced in it): make one up,
            // so every replica reloads once rather than trusting rules it may have loaded before that change.
            var mine = NewVersion();
            return (await redis.ExecuteAsync(["SET", VersionKey, mine, "NX", "GET"], ct)).AsString() ?? mine;
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException)
        {
            if (replay)
                Interlocked.Exchange(ref _bumpMissed, 1);
            Interlocked.Exchange(ref _redisRetryAtTicks, (clock.GetUtcNow() + RedisRetryAfter).UtcTicks);
            logger.LogWarning("Risk rules version unavailable; reloading rules from the database every {Seconds}s: {Error}",
                ReloadWithoutRedisEvery.TotalSeconds, e.Message);
            return null;
        }
    }

    async Task<IReadOnlyList<RiskRule>> LoadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<StoredRule>(new CommandDefinition(
            "select id, name, kind, parameters::text as parameters, action, score, enabled from risk_rules where enabled order by name, id",
            cancellationToken: ct));
        var rules = new List<RiskRule>();
        foreach (var row in rows)
        {
            var (rule, problem) = RuleParser.Parse(row.Id, row.Name, row.Kind, JsonSerializer.Deserialize<JsonElement>(row.Parameters), row.Action, row.Score, row.Enabled, RuleSource.Stored);
            if (rule is not null)
                rules.Add(rule);
            else
                logger.LogError("Risk rule {RuleId} is not valid and is ignored: {Field}: {Problem}", row.Id, problem?.Field, problem?.Message);
        }
        metrics.RulesReloaded();
        return rules;
    }

    sealed record StoredRule(Guid Id, string Name, string Kind, string Parameters, string Action, int Score, bool Enabled);
}
