using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.Redis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Xunit;

namespace Bazaar.Testing;

/// <summary>
/// One service under test, over HTTP, against real PostgreSQL and Redis: a fresh database (migrated) and a Redis
/// database of its own per test class. <see cref="ResetAsync"/> empties both between tests.
/// </summary>
public abstract class ServiceFactory<TProgram> : WebApplicationFactory<TProgram>, IAsyncLifetime where TProgram : class
{
    readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public string DatabaseConnectionString { get; private set; } = "";

    /// <summary>The signing key every service of a test platform trusts; share one instance across peers.</summary>
    public TestTokens Tokens { get; set; } = new();

    /// <summary>Other services this one calls, by name (Services:{name}); their handlers answer in process.</summary>
    public Dictionary<string, Func<HttpMessageHandler>> Peers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether tokens are validated against <see cref="Tokens"/> (identity validates its own instead).</summary>
    protected virtual bool UseTestTokens => true;

    /// <summary>A Redis of this factory's own, which a test may stop (<see cref="PrivateRedis"/>).</summary>
    protected virtual bool UsePrivateRedis => false;

    public TestServers.PrivateRedis? PrivateRedis { get; private set; }

    public HttpClient Client(string? token = null)
    {
        var client = CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin(Guid? id = null) => Client(Tokens.ForUser(id ?? Guid.NewGuid(), "admin", "customer"));
    public HttpClient Support() => Client(Tokens.ForUser(Guid.NewGuid(), "support", "customer"));
    public HttpClient Customer(Guid? id = null) => Client(Tokens.ForUser(id ?? Guid.NewGuid(), "customer"));
    public HttpClient Service(string clientId = "ordering") => Client(Tokens.ForService(clientId));
    public string RedisConnectionString { get; private set; } = "";
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Short lower-case name used for the test database.</summary>
    protected abstract string ServiceName { get; }

    /// <summary>Tables that survive <see cref="ResetAsync"/> (besides the migration history).</summary>
    protected virtual IReadOnlyCollection<string> KeptTables => [];

    /// <summary>Service-specific settings; the defaults below are already in <paramref name="settings"/>.</summary>
    protected virtual void Configure(IDictionary<string, string?> settings) { }

    /// <summary>Whether the service runs on <see cref="Clock"/> (the default) or on real time.</summary>
    protected virtual bool UseFakeClock => true;

    public async Task InitializeAsync()
    {
        DatabaseConnectionString = await TestServers.CreateDatabaseAsync("test_" + ServiceName);
        if (UsePrivateRedis)
            PrivateRedis = TestServers.StartPrivateRedis();
        RedisConnectionString = PrivateRedis?.ConnectionString
            ?? $"{await TestServers.RedisAsync()},database={await TestServers.NextRedisDatabaseAsync()}";
        _settings["ConnectionStrings:Database"] = DatabaseConnectionString;
        _settings["ConnectionStrings:Redis"] = RedisConnectionString;
        _settings["Auth:Issuer"] = "http://bazaar.test";
        _settings["Auth:Audience"] = "bazaar";
        _settings["RateLimiting:AuthPermitsPerMinute"] = "100000";
        _settings["RateLimiting:ApiTokensPerSecond"] = "100000";
        Configure(_settings);
        await ServiceCommands.MigrateAsync(Services, CancellationToken.None);
        await FlushRedisAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        foreach (var name in Peers.Keys)
            builder.UseSetting($"Services:{name}", $"http://{name}/");
        builder.ConfigureTestServices(services =>
        {
            if (UseFakeClock)
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            if (UseTestTokens)
            {
                services.Replace(ServiceDescriptor.Singleton<IJsonWebKeySource>(Tokens));
                services.Replace(ServiceDescriptor.Singleton<IServiceTokenSource>(new TestServiceTokens(Tokens, ServiceName)));
            }
            if (Peers.Count > 0)
            {
                var router = new PeerRouter(Peers);
                services.ConfigureAll<Microsoft.Extensions.Http.HttpClientFactoryOptions>(o =>
                    o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = router.Handler()));
            }
            ConfigureTestServices(services);
        });
    }

    protected virtual void ConfigureTestServices(IServiceCollection services) { }

    /// <summary>Empties every table but the kept ones and the Redis database; the clock goes back to now.</summary>
    public async Task ResetAsync()
    {
        Clock.SetUtcNow(DateTimeOffset.UtcNow);
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select tablename from pg_tables where schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        var emptied = tables.Where(t => t != "schema_migrations" && !KeptTables.Contains(t)).Select(t => $"\"{t}\"").ToList();
        if (emptied.Count > 0)
        {
            await using var truncate = new NpgsqlCommand($"truncate {string.Join(", ", emptied)} restart identity cascade", connection);
            await truncate.ExecuteNonQueryAsync();
        }
        await FlushRedisAsync();
    }

    async Task FlushRedisAsync()
    {
        if (PrivateRedis is not null)
            return; // its own server, possibly stopped on purpose
        await using var redis = new RedisClient(RedisOptions.Parse(RedisConnectionString));
        await redis.ExecuteAsync(["FLUSHDB"]);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        PrivateRedis?.Dispose();
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(DatabaseConnectionString).Database;
        await using var connection = new NpgsqlConnection(await TestServers.PostgresAsync() + ";Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>Service tokens minted with the platform's test key, as identity would issue them.</summary>
sealed class TestServiceTokens(TestTokens tokens, string clientId) : IServiceTokenSource
{
    public Task<string> GetTokenAsync(CancellationToken ct) => Task.FromResult(tokens.ForService(clientId));
}

/// <summary>Sends each request to the in-process server of the peer named by its host.</summary>
sealed class PeerRouter(IReadOnlyDictionary<string, Func<HttpMessageHandler>> peers)
{
    readonly IReadOnlyDictionary<string, Func<HttpMessageHandler>> _peers = peers;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.OrdinalIgnoreCase);

    public HttpMessageHandler Handler() => new Routing(this);

    sealed class Routing(PeerRouter router) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            var invoker = router._invokers.GetOrAdd(host, h => router._peers.TryGetValue(h, out var create)
                ? new HttpMessageInvoker(create())
                : throw new InvalidOperationException($"No test peer named '{h}'."));
            return invoker.SendAsync(request, cancellationToken);
        }
    }
}
