using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Redis;
using Bazaar.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Risk.Tests;

/// <summary>The risk service over HTTP against real PostgreSQL and Redis; tokens are minted by the test's own signing key.</summary>
public class RiskFactory : ServiceFactory<Program>
{
    protected override string ServiceName => "risk";

    /// <summary>Empty tables and Redis, and a replica that forgets the rules it had cached (as after a restart).</summary>
    public new async Task ResetAsync()
    {
        await base.ResetAsync();
        await Services.GetRequiredService<RuleCache>().ChangedAsync();
    }

    /// <summary>The default rule set, through the service's own seed command.</summary>
    public Task SeedDefaultRulesAsync() => ServiceCommands.SeedAsync(Services, CancellationToken.None);

    public async Task<AssessmentResult> AssessAsync(Order order)
    {
        var response = await Service().PostAsJsonAsync("/internal/risk/assessments", order);
        return await response.ShouldBeOkAsync<AssessmentResult>();
    }

    public async Task<RuleDto> CreateRuleAsync(string name, string kind, object parameters, string action = "review", int score = 50, bool enabled = true)
    {
        var response = await Admin().PostAsJsonAsync("/api/v1/admin/risk/rules", new { name, kind, parameters, action, score, enabled });
        return await response.ShouldBeOkAsync<RuleDto>(System.Net.HttpStatusCode.Created);
    }

    public async Task<RedisReply> RedisAsync(params string[] command)
    {
        await using var redis = new RedisClient(RedisOptions.Parse(RedisConnectionString));
        return await redis.ExecuteAsync(command);
    }
}

/// <summary>An order as ordering would send it: an ordinary, unremarkable one unless a test says otherwise.</summary>
public sealed record Order
{
    public Guid OrderId { get; init; } = Guid.NewGuid();
    public Guid CustomerId { get; init; } = Guid.NewGuid();
    public DateTimeOffset? AccountCreatedAt { get; init; }
    public long Amount { get; init; } = 4_999;
    public string Currency { get; init; } = "EUR";
    public string? CardFingerprint { get; init; } = "fp_" + Guid.NewGuid().ToString("N");
    public string? CardBin { get; init; } = "411111";
    public string? CardCountry { get; init; } = "DE";
    public string? BillingCountry { get; init; } = "DE";
    public string? IpAddress { get; init; } = RandomIp();
    public string? ShippingCountry { get; init; } = "DE";

    static string RandomIp()
    {
        var bytes = Guid.NewGuid().ToByteArray();
        return $"10.{bytes[0]}.{bytes[1]}.{bytes[2]}";
    }
}

public abstract class RiskTest(RiskFactory factory) : IClassFixture<RiskFactory>, IAsyncLifetime
{
    protected RiskFactory Factory { get; } = factory;
    protected HttpClient Anonymous { get; } = factory.CreateClient();

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
