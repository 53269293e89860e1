using Bazaar.ServiceDefaults.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Auth;
using Dapper;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bazaar.Payments.Tests;

/// <summary>Payments over HTTP against real PostgreSQL and Redis, with the sandbox provider; tokens are minted by the test's own signing key.</summary>
public class PaymentsFactory : ServiceFactory<Program>
{
    protected override string ServiceName => "payments";

    protected override void Configure(IDictionary<string, string?> settings)
    {
        // Short, so the slow test card times out quickly; not so short that a busy test machine times out the others.
        settings["Payments:ProviderTimeout"] = "00:00:02";
        // The background loops do not run within a test's fake time: tests resolve and deliver when they say so.
        settings["Payments:ResolveInterval"] = "01:00:00";
        settings["Payments:Sandbox:WebhookInterval"] = "01:00:00";
        // Outside Development (tests run as "Testing") the published development keys are refused.
        settings["Payments:Sandbox:FingerprintKey"] = "test-fingerprint-key-" + Guid.NewGuid();
        settings["Payments:Sandbox:WebhookSecret"] = "whsec_test_" + Guid.NewGuid();
    }

    public static object Card(string number, int? expYear = null, int expMonth = 12, string cvc = "123") =>
        new { number, expMonth, expYear = expYear ?? DateTime.UtcNow.Year + 2, cvc };

    public async Task<SandboxToken> TokenizeAsync(string number)
    {
        var response = await CreateClient().PostAsJsonAsync("/api/v1/payments/sandbox/tokens", Card(number));
        return await response.ShouldBeOkAsync<SandboxToken>(HttpStatusCode.Created);
    }

    public async Task<string> TokenAsync(string number = SandboxCards.Visa) => (await TokenizeAsync(number)).Token;

    public Task<HttpResponseMessage> PostAuthorizeAsync(Guid orderId, long amount, string token, string currency = "EUR") =>
        Service().PostAsJsonAsync("/internal/payments/authorize", new { orderId, amount, currency, token });

    public async Task<PaymentDto> AuthorizeAsync(long amount = 5000, string number = SandboxCards.Visa) =>
        await (await PostAuthorizeAsync(Guid.NewGuid(), amount, await TokenAsync(number))).ShouldBeOkAsync<PaymentDto>();

    /// <param name="idempotencyKey">the capture's key; a new one for each call when left out (a capture requires one)</param>
    public Task<HttpResponseMessage> CaptureAsync(Guid paymentId, long? amount = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/internal/payments/{paymentId}/capture") { Content = JsonContent.Create(new { amount }) };
        request.Headers.Add(IdempotencyKey.Header, idempotencyKey ?? Guid.NewGuid().ToString());
        return Service().SendAsync(request);
    }

    public Task<HttpResponseMessage> VoidAsync(Guid paymentId) => Service().PostAsync($"/internal/payments/{paymentId}/void", null);

    public Task<HttpResponseMessage> RefundAsync(Guid paymentId, long amount, string? idempotencyKey, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/internal/payments/{paymentId}/refund") { Content = JsonContent.Create(new { amount, reason = "customer returned it" }) };
        if (idempotencyKey is not null)
            request.Headers.Add(IdempotencyKey.Header, idempotencyKey);
        return (client ?? Service()).SendAsync(request);
    }

    public async Task<PaymentDto> GetAsync(Guid paymentId) =>
        await (await Support().GetAsync($"/api/v1/payments/{paymentId}")).ShouldBeOkAsync<PaymentDto>();

    /// <summary>A number straight from the database (a count or a sum), to check what was stored.</summary>
    public async Task<long> NumberAsync(string sql, object? parameters = null)
    {
        await using var db = NpgsqlDataSource.Create(DatabaseConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        var value = await connection.ExecuteScalarAsync(sql, parameters);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One series' value on <c>/metrics</c> (0 while it has none), e.g. <c>bazaar_payments_webhooks_total{result="duplicate"}</c>.</summary>
    public async Task<double> MetricAsync(string series) =>
        MetricsText.Series(await CreateClient().GetStringAsync("/metrics"), series, whenMissing: 0);

    /// <summary>One gauge's value on <c>/metrics</c>; one that is not exported fails the test.</summary>
    public async Task<double> GaugeAsync(string series) => MetricsText.Series(await CreateClient().GetStringAsync("/metrics"), series);

    /// <summary>The sandbox network's event that the call with this idempotency key completed.</summary>
    public static string SandboxEvent(string id, string idempotencyKey) =>
        JsonSerializer.Serialize(new { id, type = PaymentsApi.AuthorizationCompleted, data = new { idempotencyKey } });

    /// <summary>The sandbox's signature of a webhook body, made at <paramref name="at"/> (now when left out).</summary>
    public string SignSandbox(string body, DateTimeOffset? at = null) => Services.GetRequiredService<SandboxWebhookSigner>().Sign(body, at ?? Clock.GetUtcNow());

    /// <summary>Delivers a body to the sandbox webhook with this signature (none when null).</summary>
    public Task<HttpResponseMessage> PostSandboxWebhookAsync(string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhooks/sandbox") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.Add(SandboxWebhookSigner.HeaderName, signature);
        return CreateClient().SendAsync(request);
    }

    /// <summary>Runs the resolver once, as its background service does every few seconds outside tests.</summary>
    public async Task<int> ResolveUnknownAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentService>().ResolveUnknownAsync(default);
    }
}

public abstract class PaymentsTest(PaymentsFactory factory) : IClassFixture<PaymentsFactory>, IAsyncLifetime
{
    protected PaymentsFactory Factory { get; } = factory;
    protected HttpClient Anonymous { get; } = factory.CreateClient();

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
