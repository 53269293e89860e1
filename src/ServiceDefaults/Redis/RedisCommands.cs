using System.Globalization;

namespace Bazaar.ServiceDefaults.Redis;

public static class RedisCommands
{
    public static async Task<string?> GetAsync(this IRedisClient redis, string key, CancellationToken ct = default) =>
        (await redis.ExecuteAsync(["GET", key], ct)).AsString();

    public static async Task SetAsync(this IRedisClient redis, string key, string value, TimeSpan? expiry = null, CancellationToken ct = default)
    {
        string[] command = expiry is { } ttl
            ? ["SET", key, value, "PX", ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]
            : ["SET", key, value];
        await redis.ExecuteAsync(command, ct);
    }

    public static async Task<long> DeleteAsync(this IRedisClient redis, IEnumerable<string> keys, CancellationToken ct = default) =>
        (await redis.ExecuteAsync(["DEL", .. keys], ct)).Integer;

    public static async Task<bool> PingAsync(this IRedisClient redis, CancellationToken ct = default) =>
        (await redis.ExecuteAsync(["PING"], ct)).AsString() == "PONG";

    /// <summary>Runs a Lua script by its hash, sending the body only when the server does not know it yet.</summary>
    public static async Task<RedisReply> EvalAsync(this IRedisClient redis, string script, IReadOnlyList<string> keys, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
        var count = keys.Count.ToString(CultureInfo.InvariantCulture);
        try
        {
            return await redis.ExecuteAsync(["EVALSHA", sha, count, .. keys, .. args], ct);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await redis.ExecuteAsync(["EVAL", script, count, .. keys, .. args], ct);
        }
    }
}
