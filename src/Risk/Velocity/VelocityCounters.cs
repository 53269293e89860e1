using System.Globalization;
using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults.Redis;

namespace Bazaar.Risk.Velocity;

/// <summary>
/// Orders per customer, card fingerprint and IP address over sliding windows, shared by every replica through Redis:
/// one sorted set per subject (<c>risk:velocity:{subject}:{value}</c>), scored by time, one member per order carrying
/// its amount and currency. Recording and counting is one atomic script per subject, idempotent by order id: a marker per
/// subject and order (<c>…:order:{orderId}</c>, kept as long as the history) makes a repeat count nothing, even one that
/// names another amount.
/// </summary>
public sealed class VelocityCounters(IRedisClient redis, TimeProvider clock, RiskMetrics metrics, ILogger<VelocityCounters> logger)
{
    /// <summary>History kept per subject: the longest window a rule may ask for.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(RuleParser.MaxWindowSeconds);

    /// <summary>After a failure, Redis is not asked again for this long: one timeout, not one per order.</summary>
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    // KEYS[1] the subject's sorted set, KEYS[2] the marker of this order for this subject. ARGV: [1] now (ms), [2] member
    // "orderId:amount:currency", [3] drop scores at or below this (ms), [4] retention (ms), [5] the order's currency,
    // [6..] pairs of a window's start (ms, exclusive) and '1' when its amount is wanted. The marker keeps a repeated order
    // at its first time and amount, counted once. Returns count and amount (in ARGV[5]; 0 when not wanted) per window: a
    // count is ZCOUNT, and only a window whose amount a rule asks for reads its entries (a busy shared address can hold
    // thousands).
    const string Script = """
        if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) then
          redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2])
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        local result = {}
        for i = 6, #ARGV, 2 do
          local amount = 0
          if ARGV[i + 1] == '1' then
            for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[i], '+inf')) do
              local value, currency = string.match(member, ':(%d+):(%u%u%u)$')
              if currency == ARGV[5] then
                amount = amount + tonumber(value)
              end
            end
          end
          result[#result + 1] = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[i], '+inf')
          result[#result + 1] = amount
        end
        return result
        """;

    long _retryAtTicks;

    /// <summary>
    /// Records the order against its customer, card and IP (whichever it has) and returns the tallies for the windows
    /// asked, this order included. Fails open: when Redis cannot answer, the result says so and nothing throws.
    /// </summary>
    /// <param name="summed">the windows whose amount a rule asks for (the others report 0); null: all of them</param>
    public async Task<VelocityCounts> RecordAsync(RiskInput order, IReadOnlyCollection<VelocityWindow> windows, CancellationToken ct,
        IReadOnlySet<VelocityWindow>? summed = null)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _retryAtTicks))
        {
            metrics.VelocityUnavailable();
            return VelocityCounts.Unavailable;
        }
        var nowMs = now.ToUnixTimeMilliseconds();
        var retentionMs = (long)Retention.TotalMilliseconds;
        var member = string.Create(CultureInfo.InvariantCulture, $"{order.OrderId:N}:{order.Amount}:{order.Currency}");
        var tallies = new Dictionary<VelocityWindow, VelocityTally>();
        try
        {
            foreach (var (subject, value) in Subjects(order))
            {
                var seconds = windows.Where(w => w.Subject == subject).Select(w => w.WindowSeconds).Distinct().ToList();
                string[] args = [Text(nowMs), member, Text(nowMs - retentionMs), Text(retentionMs), order.Currency,
                    .. seconds.SelectMany(s => new[] { Text(nowMs - s * 1000L), summed?.Contains(new VelocityWindow(subject, s)) == false ? "0" : "1" })];
                var key = Key(subject, value);
                var reply = await redis.EvalAsync(Script, [key, string.Create(CultureInfo.InvariantCulture, $"{key}:order:{order.OrderId:N}")], args, ct);
                for (var i = 0; i < seconds.Count; i++)
                    tallies[new VelocityWindow(subject, seconds[i])] = new VelocityTally(reply.Items[2 * i].AsInt64(), reply.Items[2 * i + 1].AsInt64());
            }
        }
        catch (Exception e) when (e is RedisUnavailableException or RedisServerException)
        {
            // Fail open: a Redis outage must not stop checkout; the velocity_unavailable reason keeps each decision explainable.
            Interlocked.Exchange(ref _retryAtTicks, (now + RetryAfter).UtcTicks);
            logger.LogWarning("Velocity counters unavailable, order {OrderId} assessed without velocity rules: {Error}", order.OrderId, e.Message);
            metrics.VelocityUnavailable();
            return VelocityCounts.Unavailable;
        }
        return new VelocityCounts(tallies);
    }

    /// <summary>Fingerprints are already hashes and IP addresses are not secret to this service, so values go in as they are.</summary>
    public static string Key(VelocitySubject subject, string value) => $"risk:velocity:{RuleNames.Of(subject)}:{value}";

    static IEnumerable<(VelocitySubject Subject, string Value)> Subjects(RiskInput order)
    {
        yield return (VelocitySubject.Customer, order.CustomerId.ToString());
        if (order.CardFingerprint is { } card)
            yield return (VelocitySubject.Card, card);
        if (order.IpAddress is { } ip)
            yield return (VelocitySubject.Ip, ip);
    }

    static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
