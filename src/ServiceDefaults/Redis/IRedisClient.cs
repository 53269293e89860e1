namespace Bazaar.ServiceDefaults.Redis;

/// <summary>
/// The one way services talk to Redis. A command is its arguments (the command name first);
/// helpers for the common commands are extension methods in <see cref="RedisCommands"/>.
/// </summary>
public interface IRedisClient
{
    /// <exception cref="RedisUnavailableException">Redis could not be reached or did not answer in time.</exception>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    Task<RedisReply> ExecuteAsync(IReadOnlyList<string> command, CancellationToken ct = default);
}
