using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Bazaar.ServiceDefaults.Redis;

/// <summary>One socket speaking RESP2, used by one command at a time (the pool hands it out).</summary>
sealed class RedisConnection : IAsyncDisposable
{
    readonly TcpClient _tcp;
    readonly Stream _stream;
    readonly byte[] _readBuffer = new byte[16 * 1024];
    int _readStart, _readEnd;

    RedisConnection(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public bool Broken { get; private set; }

    public static async Task<RedisConnection> OpenAsync(RedisOptions options, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(options.Host, options.Port, ct);
            Stream stream = tcp.GetStream();
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = options.Host }, ct);
                stream = ssl;
            }
            var connection = new RedisConnection(tcp, stream);
            if (options.Password is not null)
            {
                string[] auth = options.User is null ? ["AUTH", options.Password] : ["AUTH", options.User, options.Password];
                await connection.ExecuteAsync(auth, ct);
            }
            if (options.Database != 0)
                await connection.ExecuteAsync(["SELECT", options.Database.ToString(CultureInfo.InvariantCulture)], ct);
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task<RedisReply> ExecuteAsync(IReadOnlyList<string> command, CancellationToken ct)
    {
        try
        {
            await _stream.WriteAsync(Encode(command), ct);
            await _stream.FlushAsync(ct);
            var reply = await ReadReplyAsync(ct);
            return reply.Kind == RedisReplyKind.Error ? throw new RedisServerException(reply.Text!) : reply;
        }
        catch (RedisServerException)
        {
            throw; // the connection is still in a clean state after an error reply
        }
        catch
        {
            Broken = true; // a half-read reply leaves the stream unusable
            throw;
        }
    }

    static byte[] Encode(IReadOnlyList<string> command)
    {
        var builder = new StringBuilder();
        builder.Append('*').Append(command.Count).Append("\r\n");
        foreach (var arg in command)
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    async Task<RedisReply> ReadReplyAsync(CancellationToken ct)
    {
        var line = await ReadLineAsync(ct);
        if (line.Length == 0)
            throw new IOException("Empty RESP line.");
        var body = line[1..];
        switch (line[0])
        {
            case '+': return RedisReply.Simple(body);
            case '-': return RedisReply.Error(body);
            case ':': return RedisReply.Int(long.Parse(body, CultureInfo.InvariantCulture));
            case '$':
            {
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                if (length < 0)
                    return RedisReply.Nil;
                var bytes = await ReadExactAsync(length + 2, ct);
                return RedisReply.Bulk(Encoding.UTF8.GetString(bytes, 0, length));
            }
            case '*':
            {
                var count = int.Parse(body, CultureInfo.InvariantCulture);
                if (count < 0)
                    return RedisReply.Nil;
                var items = new RedisReply[count];
                for (var i = 0; i < count; i++)
                    items[i] = await ReadReplyAsync(ct);
                return RedisReply.Array(items);
            }
            default:
                throw new IOException($"Unexpected RESP type '{line[0]}'.");
        }
    }

    async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var collected = new List<byte>();
        while (true)
        {
            for (var i = _readStart; i < _readEnd; i++)
            {
                if (_readBuffer[i] != (byte)'\n')
                    continue;
                collected.AddRange(_readBuffer.AsSpan(_readStart, i - _readStart));
                _readStart = i + 1;
                if (collected.Count > 0 && collected[^1] == (byte)'\r')
                    collected.RemoveAt(collected.Count - 1);
                return Encoding.UTF8.GetString(collected.ToArray());
            }
            collected.AddRange(_readBuffer.AsSpan(_readStart, _readEnd - _readStart));
            await FillAsync(ct);
        }
    }

    async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var written = 0;
        while (written < count)
        {
            if (_readStart == _readEnd)
                await FillAsync(ct);
            var take = Math.Min(count - written, _readEnd - _readStart);
            _readBuffer.AsSpan(_readStart, take).CopyTo(result.AsSpan(written));
            _readStart += take;
            written += take;
        }
        return result;
    }

    async Task FillAsync(CancellationToken ct)
    {
        _readStart = 0;
        _readEnd = await _stream.ReadAsync(_readBuffer, ct);
        if (_readEnd == 0)
            throw new IOException("Redis closed the connection.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
