using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Bazaar.Testing;

/// <summary>
/// The PostgreSQL and Redis servers of this test run: the ones named by <c>BAZAAR_TEST_POSTGRES</c> and
/// <c>BAZAAR_TEST_REDIS</c> (the test command starts them once for every suite), or else throwaway servers started
/// here on free loopback ports and stopped when the process exits.
/// </summary>
public static class TestServers
{
    static readonly Lazy<Task<string>> PostgresLazy = new(StartPostgresAsync);
    static readonly Lazy<Task<string>> RedisLazy = new(StartRedisAsync);

    /// <summary>Connection string without a database name.</summary>
    public static Task<string> PostgresAsync() => PostgresLazy.Value;

    /// <summary><c>host:port</c> of the Redis server.</summary>
    public static Task<string> RedisAsync() => RedisLazy.Value;

    /// <summary>
    /// A Redis database index of its own for each caller, unique across every test process sharing the server
    /// (the counter lives in database 0; the test command starts Redis with 2000 databases).
    /// </summary>
    public static async Task<int> NextRedisDatabaseAsync()
    {
        await using var redis = new Bazaar.ServiceDefaults.Redis.RedisClient(Bazaar.ServiceDefaults.Redis.RedisOptions.Parse(await RedisAsync()));
        var next = (await redis.ExecuteAsync(["INCR", "bazaar:test:next-database"])).Integer;
        return 1 + (int)(next % 1999);
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await PostgresAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(server + ";Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return $"{server};Database={name}";
    }

    const string PostgresPrefix = "bazaar-test-pg-";
    const string RedisPrefix = "bazaar-test-redis-";
    static readonly Lazy<bool> Reaped = new(ReapOrphans);

    /// <summary>
    /// Servers whose test process died without stopping them (a runner may kill its test host outright) are stopped
    /// by the next run: each folder names its owner's pid, and a folder whose owner is gone is cleaned up.
    /// </summary>
    static bool ReapOrphans()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), PostgresPrefix + "*").Concat(Directory.GetDirectories(Path.GetTempPath(), RedisPrefix + "*")))
        {
            try
            {
                if (!int.TryParse(File.Exists(Path.Combine(dir, "owner.pid")) ? File.ReadAllText(Path.Combine(dir, "owner.pid")) : "", out var owner) || IsAlive(owner, null))
                    continue;
                if (File.Exists(Path.Combine(dir, "redis.pid")) && int.TryParse(File.ReadAllText(Path.Combine(dir, "redis.pid")), out var redisPid) && IsAlive(redisPid, "redis-server"))
                    Process.GetProcessById(redisPid).Kill();
                if (Directory.Exists(Path.Combine(dir, "data")) && FindPostgresBinOrNull() is { } bin)
                {
                    try
                    {
                        RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-m", "immediate", "stop"], Environment.UserName == "root").Wait(TimeSpan.FromSeconds(30));
                    }
                    catch (AggregateException)
                    {
                        // usually "no server running": it was stopped already
                    }
                }
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or AggregateException or ArgumentException)
            {
                // best effort: a folder we cannot clean now is tried again next time
            }
        }
        return true;
    }

    static bool IsAlive(int pid, string? commandContains)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandContains is null || cmdline.Contains(commandContains, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    static string NewServerFolder(string prefix)
    {
        _ = Reaped.Value;
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        File.WriteAllText(Path.Combine(dir, "owner.pid"), Environment.ProcessId.ToString());
        return dir;
    }

    /// <summary>Every clean-up step runs even when an earlier one fails (an exception would skip later exit handlers).</summary>
    static void OnExit(params Action[] steps)
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var step in steps)
            {
                try
                {
                    step();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or AggregateException or System.ComponentModel.Win32Exception)
                {
                    // the reaper of a later run finishes the job
                }
            }
        };
    }

    static async Task<string> StartPostgresAsync()
    {
        var given = Environment.GetEnvironmentVariable("BAZAAR_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
            return given;

        var bin = FindPostgresBin();
        var dir = NewServerFolder(PostgresPrefix);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            await RunAsync("chown", ["postgres:postgres", dir]);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asRoot);
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "log"), "-w", "-o",
             $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=800", "start"], asRoot);
        // Told to stop without waiting: a runner may kill this process moments after its last test, and the other
        // servers' clean-up must get its turn. The folder goes with the next run's reaper.
        OnExit(() => RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-m", "immediate", "-W", "stop"], asRoot).GetAwaiter().GetResult());
        return $"Host=127.0.0.1;Port={port};Username=postgres";
    }

    static async Task<string> StartRedisAsync()
    {
        var given = Environment.GetEnvironmentVariable("BAZAAR_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(given))
            return given;
        var port = FreePort();
        var dir = NewServerFolder(RedisPrefix);
        var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--databases", "2000", "--dir", dir])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install redis-server).");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        File.WriteAllText(Path.Combine(dir, "redis.pid"), process.Id.ToString());
        OnExit(() => process.Kill(), () => Directory.Delete(dir, recursive: true));
        await WaitForPortAsync(port);
        return $"127.0.0.1:{port}";
    }

    /// <summary>A Redis of the caller's own, for tests that stop it; dispose to stop it.</summary>
    public static PrivateRedis StartPrivateRedis()
    {
        var port = FreePort();
        var dir = NewServerFolder(RedisPrefix);
        var process = Process.Start(new ProcessStartInfo("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        File.WriteAllText(Path.Combine(dir, "redis.pid"), process.Id.ToString());
        WaitForPortAsync(port).GetAwaiter().GetResult();
        return new PrivateRedis(process, port, dir);
    }

    public sealed class PrivateRedis(Process process, int port, string dir) : IDisposable
    {
        public string ConnectionString => $"127.0.0.1:{port},connectTimeout=300,syncTimeout=300";

        public void Stop()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
        }

        /// <summary>Freezes the server (SIGSTOP): connections are still accepted by the kernel, but nothing is answered, as when Redis hangs.</summary>
        public void Freeze() => Signal("-STOP");

        /// <summary>Lets a frozen server go on (SIGCONT).</summary>
        public void Thaw() => Signal("-CONT");

        void Signal(string signal)
        {
            using var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
            if (kill.ExitCode != 0)
                throw new InvalidOperationException($"kill {signal} {process.Id} failed");
        }

        public void Dispose()
        {
            Stop();
            process.Dispose();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // the reaper of a later run removes it
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"Nothing listened on port {port}.");
    }

    static string? FindPostgresBinOrNull()
    {
        try
        {
            return FindPostgresBin();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    static string FindPostgresBin()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
            : [];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql; install postgresql.");
    }

    static async Task RunAsync(string file, IEnumerable<string> args, bool asPostgres = false)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args]) : new ProcessStartInfo(file, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
