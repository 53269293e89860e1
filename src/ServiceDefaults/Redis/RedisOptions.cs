using System.Globalization;

namespace Bazaar.ServiceDefaults.Redis;

/// <summary>
/// Parsed from a connection string in the familiar StackExchange.Redis shape:
/// <c>host:port[,password=…][,user=…][,ssl=true][,database=N][,connectTimeout=ms][,syncTimeout=ms][,poolSize=N]</c>.
/// </summary>
public sealed record RedisOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 6379;
    public string? User { get; init; }
    public string? Password { get; init; }
    public bool Ssl { get; init; }
    public int Database { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(2);
    public int PoolSize { get; init; } = 32;

    public static RedisOptions Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new RedisOptions();
        foreach (var raw in connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.IndexOf('=');
            if (eq < 0)
            {
                var colon = raw.LastIndexOf(':');
                options = colon < 0
                    ? options with { Host = raw }
                    : options with { Host = raw[..colon], Port = int.Parse(raw[(colon + 1)..], CultureInfo.InvariantCulture) };
                continue;
            }
            var key = raw[..eq].Trim().ToLowerInvariant();
            var value = raw[(eq + 1)..].Trim();
            options = key switch
            {
                "password" => options with { Password = value },
                "user" => options with { User = value },
                "ssl" => options with { Ssl = bool.Parse(value) },
                "database" or "defaultdatabase" => options with { Database = int.Parse(value, CultureInfo.InvariantCulture) },
                "connecttimeout" => options with { ConnectTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)) },
                "synctimeout" or "asynctimeout" => options with { CommandTimeout = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture)) },
                "poolsize" => options with { PoolSize = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => options, // unknown options (abortConnect, …) are accepted and ignored
            };
        }
        return options;
    }
}
