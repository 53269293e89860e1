namespace Bazaar.ServiceDefaults.Redis;

/// <summary>One RESP2 reply: a simple string, an error, an integer, a bulk string (possibly null) or an array.</summary>
public sealed class RedisReply
{
    public static readonly RedisReply Nil = new(RedisReplyKind.Nil, null, 0, null);

    RedisReply(RedisReplyKind kind, string? text, long integer, IReadOnlyList<RedisReply>? items)
    {
        Kind = kind;
        Text = text;
        Integer = integer;
        Items = items ?? [];
    }

    public RedisReplyKind Kind { get; }
    public string? Text { get; }
    public long Integer { get; }
    public IReadOnlyList<RedisReply> Items { get; }

    public static RedisReply Simple(string text) => new(RedisReplyKind.SimpleString, text, 0, null);
    public static RedisReply Error(string text) => new(RedisReplyKind.Error, text, 0, null);
    public static RedisReply Int(long value) => new(RedisReplyKind.Integer, null, value, null);
    public static RedisReply Bulk(string text) => new(RedisReplyKind.BulkString, text, 0, null);
    public static RedisReply Array(IReadOnlyList<RedisReply> items) => new(RedisReplyKind.Array, null, 0, items);

    /// <summary>The reply as text (bulk or simple string, or an integer's digits); null for nil.</summary>
    public string? AsString() => Kind switch
    {
        RedisReplyKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Text,
    };

    public long AsInt64() => Kind switch
    {
        RedisReplyKind.Integer => Integer,
        RedisReplyKind.BulkString or RedisReplyKind.SimpleString => long.Parse(Text!, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"Redis reply {Kind} is not a number."),
    };

    public override string ToString() => Kind switch
    {
        RedisReplyKind.Array => $"[{string.Join(", ", Items)}]",
        RedisReplyKind.Nil => "(nil)",
        _ => AsString() ?? "",
    };
}

public enum RedisReplyKind { SimpleString, Error, Integer, BulkString, Array, Nil }

/// <summary>The server answered with an error reply (for example WRONGTYPE or a script error).</summary>
public sealed class RedisServerException(string message) : Exception(message)
{
    static readonly string[] RefusalsForNow = ["OOM ", "READONLY ", "LOADING ", "BUSY ", "MASTERDOWN ", "TRYAGAIN "];

    /// <summary>
    /// The server refused for now, whatever the command: full under noeviction (OOM, the state Redis of ADR 0015), a
    /// demoted primary during a failover (READONLY), loading its data after a restart (LOADING), a long script (BUSY),
    /// a replica that lost its primary (MASTERDOWN), a cluster moving slots (TRYAGAIN). The same command may succeed later. A script's error keeps the
    /// code at its start, with the script named after it.
    /// </summary>
    public bool IsTransient { get; } = RefusalsForNow.Any(code => message.StartsWith(code, StringComparison.Ordinal));
}

/// <summary>Redis could not be reached or did not answer in time.</summary>
public sealed class RedisUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
