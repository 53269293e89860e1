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
/// <c>Payments:Sandbox:WebhookUrl</c> while the sandbox is the provider. A delivery that is not answered 2xx is tried
/// again with a growing delay, for up to three days; a crash between sending and recording it sends the event again,
/// with the same event id, which the receiving end processes once. Deliveries are claimed with a lease, so every
/// replica may run this.
/// </summary>
public sealed class SandboxWebhookSender(NpgsqlDataSource db, IHttpClientFactory clients, SandboxWebhookSigner signer, IOptions<PaymentsOptions> options,
    TimeProvider clock, ILogger<SandboxWebhookSender> logger) : PeriodicWork(clock, logger)
{
    /// <summary>The HTTP client's name; it allows a delivery 30 s, as the receiving end may look the payment up first.</summary>
    public const string ClientName = "sandbox-webhooks";

    /// <summary>How long claimed deliveries are left to their sender; past half of it the batch stops.</summary>
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    const int BatchSize = 10;

    /// <summary>How long the network keeps trying a delivery, as Stripe does.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    protected override TimeSpan Interval => options.Value.Sandbox.WebhookInterval;

    protected override string Name => "Delivering sandbox webhooks";

    protected override Task RunOnceAsync(CancellationToken ct) => DeliverDueAsync(ct);

    /// <summary>Delivers the events that are due (none unless the sandbox is the provider and a webhook address is set).</summary>
    /// <returns>How many were delivered.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        if (!options.Value.UsesSandbox || options.Value.Sandbox.WebhookUrl is not { } url)
            return 0;
        var claimedAt = Clock.GetUtcNow();
        var leaseUntil = claimedAt + Lease;
        List<Due> due;
        await using (var connection = await db.OpenConnectionAsync(ct))
            due = [.. await connection.QueryAsync<Due>(new CommandDefinition("""
                with due as (
                    select idempotency_key from sandbox_operations where notify_at <= @claimedAt order by notify_at limit @batch for update skip locked)
                update sandbox_operations o set notify_at = @leaseUntil, notify_attempts = notify_attempts + 1
                from due where o.idempotency_key = due.idempotency_key
                returning o.idempotency_key as idempotencykey, o.notify_attempts as attempts, coalesce(o.completes_at, o.created_at) as since
                """, new { claimedAt, leaseUntil, batch = BatchSize }, cancellationToken: ct))];
        var delivered = 0;
        foreach (var (key, attempts, since) in due)
        {
            // Past half the lease, stop: the rest is claimed again when its lease ends.
            if (Clock.GetUtcNow() - claimedAt > Lease / 2)
                break;
            var sent = await SendAsync(url, key, ct);
            DateTimeOffset? next = sent ? null : Clock.GetUtcNow() + RetryDelay.Doubling(TimeSpan.FromSeconds(1), attempts, TimeSpan.FromHours(1));
            if (next - new DateTimeOffset(since, TimeSpan.Zero) > GiveUpAfter)
            {
                logger.LogWarning("Gave up delivering the sandbox webhook for {Key} after {Attempts} attempts; the resolver settles it", key, attempts);
                next = null;
            }
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            // Only while the lease is still this sender's: after it, another sender owns the row.
            await connection.ExecuteAsync(
                "update sandbox_operations set notify_at = @next where idempotency_key = @key and notify_at = @leaseUntil", new { next, key, leaseUntil });
            if (sent)
                delivered++;
        }
        return delivered;
    }

    async Task<bool> SendAsync(Uri url, string key, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(new
        {
            id = EventId(key),
            type = PaymentsApi.AuthorizationCompleted,
            created = Clock.GetUtcNow().ToUnixTimeSeconds(),
            data = new { idempotencyKey = key },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add(SandboxWebhookSigner.HeaderName, signer.Sign(payload, Clock.GetUtcNow()));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
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

    sealed record Due(string IdempotencyKey, int Attempts, DateTime Since);
}
