using System.Collections.Concurrent;

namespace Bazaar.ServiceDefaults.Redis;

/// <summary>
/// A pooled RESP2 client: each command borrows an idle connection (or opens one, up to the pool size),
/// runs with a timeout, and returns it. Any transport failure discards the connection.
/// Written here because the package mirror has no usable StackExchange.Redis (docs/decisions/0003-redis-client.md).
/// </summary>
public sealed class RedisClient(RedisOptions options) : IRedisClient, IAsyncDisposable
{
    readonly ConcurrentBag<RedisConnection> _idle = [];
    readonly SemaphoreSlim _slots = new(options.PoolSize, options.PoolSize);
    volatile bool _disposed;

    public async Task<RedisReply> ExecuteAsync(IReadOnlyList<string> command, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // One timer for the whole call, re-armed for each stage: a free connection, opening one, the command.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ConnectTimeout + options.CommandTimeout);
        try
        {
            await _slots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RedisUnavailableException("No Redis connection became free in time.");
        }

        RedisConnection? connection = null;
        try
        {
            if (!_idle.TryTake(out connection))
            {
                timeout.CancelAfter(options.ConnectTimeout);
                connection = await RedisConnection.OpenAsync(options, timeout.Token);
            }
            timeout.CancelAfter(options.CommandTimeout);
            return await connection.ExecuteAsync(command, timeout.Token);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (connection is not null)
                await connection.DisposeAsync();
            connection = null;
            throw new RedisUnavailableException($"Redis at {options.Host}:{options.Port} is unavailable: {e.Message}", e);
        }
        finally
        {
            if (connection is { Broken: false } && !_disposed)
                _idle.Add(connection);
            else if (connection is not null)
                await connection.DisposeAsync();
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
            await connection.DisposeAsync();
    }
}
