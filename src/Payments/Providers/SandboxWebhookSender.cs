using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.Payments.Payments;
using Bazaar.ServiceDefaults;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Payments.Providers;

/// <summary>
/// The sandbox network's webhook deliveries, as a provider makes them: when an authorization that answered late
/// (the slow test card) completes, a signed <c>payment.authorization_completed</c> event is POSTed to
/// <c>Payments:Sandbox:WebhookUrl</c>. A delivery that fails is tried again with a growing delay, for up to three
/// days; a crash between sending and recording it sends the event again, with the same event id, which the receiving
/// end processes once. Deliveries are claimed with a lease, so every replica may run this.
/// </summary>
public sealed class SandboxWebhookSender(NpgsqlDataSource db, HttpClient http, SandboxWebhookSigner signer, IOptions<PaymentsOptions> options,
    TimeProvider clock, ILogger<SandboxWebhookSender> logger)
{
    /// <summary>How long a claimed delivery is left to its sender before another may try it.</summary>
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How long the network keeps trying a delivery, as Stripe does.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    /// <summary>Delivers every event that is due.</summary>
    /// <returns>How many were delivered.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<Due> due;
        await using (var connection = await db.OpenConnectionAsync(ct))
            due = [.. await connection.QueryAsync<Due>(new CommandDefinition("""
                update sandbox_operations set notify_at = @leaseUntil, notify_attempts = notify_attempts + 1
                where idempotency_key in (
                    select idempotency_key from sandbox_operations where notify_at <= @now order by notify_at limit 100 for update skip locked)
                returning idempotency_key as idempotencykey, notify_attempts as attempts, completes_at as completesat
                """, new { now, leaseUntil = now + Lease }, cancellationToken: ct))];
        var delivered = 0;
        foreach (var (key, attempts, completesAt) in due)
        {
            var sent = await SendAsync(key, ct);
            DateTimeOffset? next = sent ? null : now + Backoff(attempts);
            if (next is { } retry && retry - new DateTimeOffset(completesAt ?? now.UtcDateTime, TimeSpan.Zero) > GiveUpAfter)
            {
                logger.LogWarning("Gave up delivering the sandbox webhook for {Key} after {Attempts} attempts; the resolver settles it", key, attempts);
                next = null;
            }
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync("update sandbox_operations set notify_at = @next where idempotency_key = @key", new { next, key });
            if (sent)
                delivered++;
        }
        return delivered;
    }

    /// <summary>1 s, 2 s, 4 s, … up to an hour between attempts.</summary>
    static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, Math.Min(attempts - 1, 12))));

    async Task<bool> SendAsync(string key, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(new
        {
            id = EventId(key),
            type = PaymentsApi.AuthorizationCompleted,
            created = clock.GetUtcNow().ToUnixTimeSeconds(),
            data = new { idempotencyKey = key },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Sandbox.WebhookUrl)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SandboxWebhookSigner.HeaderName, signer.Sign(payload, clock.GetUtcNow()));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
                return true;
            logger.LogWarning("The sandbox webhook for {Key} was answered {Status}; will retry", key, (int)response.StatusCode);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "The sandbox webhook for {Key} could not be delivered; will retry", key);
        }
        return false;
    }

    /// <summary>The same for every delivery of one operation's event, so the receiving end can tell a redelivery.</summary>
    public static string EventId(string idempotencyKey) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..24];

    sealed record Due(string IdempotencyKey, int Attempts, DateTime? CompletesAt);
}

/// <summary>Runs <see cref="SandboxWebhookSender"/> every <c>Payments:Sandbox:WebhookInterval</c>.</summary>
public sealed class SandboxWebhookDelivery(IServiceScopeFactory scopes, TimeProvider clock, IOptions<PaymentsOptions> options,
    ILogger<SandboxWebhookDelivery> logger) : PeriodicWork(clock, logger)
{
    protected override TimeSpan Interval => options.Value.Sandbox.WebhookInterval;

    protected override string Name => "Delivering sandbox webhooks";

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SandboxWebhookSender>().DeliverDueAsync(ct);
    }
}
