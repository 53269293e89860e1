using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.ServiceDefaults.Http;

namespace Bazaar.Ordering.Clients;

/// <summary>What came back from another service: a body, a refusal with its problem, or nothing we can rely on.</summary>
public sealed record CallResult<T>(HttpStatusCode? Status, T? Body, JsonElement? Problem)
{
    public bool Ok => Status is { } s && (int)s is >= 200 and < 300;

    /// <summary>
    /// No answer to rely on: the call failed in transport, or its answer says nothing about the request
    /// (<see cref="ServiceClients.IsNoAnswer"/>). The sweeper asks again. Only what the other service decided (400,
    /// 404, 409, 422) is a refusal.
    /// </summary>
    public bool Unknown => Status is not { } status || ServiceClients.IsNoAnswer(status);

    /// <summary>Why the other service refused, from its problem details.</summary>
    public string Reason => Problem is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
        ? detail.GetString()!
        : "no reason given";
}

static class Calls
{
    /// <summary>POSTs with the order id as Idempotency-Key, so the shared resilience handler may retry it safely.</summary>
    public static async Task<CallResult<T>> PostAsync<T>(HttpClient http, string path, object? body, Guid idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(IdempotencyKey.Header, idempotencyKey.ToString());
        return await SendAsync<T>(http, request, ct);
    }

    public static async Task<CallResult<T>> GetAsync<T>(HttpClient http, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync<T>(http, request, ct);
    }

    public static async Task<CallResult<T>> SendAsync<T>(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
                return new CallResult<T>(response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web), null);
            JsonElement? problem = null;
            try
            {
                problem = text.Length == 0 ? null : JsonSerializer.Deserialize<JsonElement>(text);
            }
            catch (JsonException)
            {
                problem = null;
            }
            return new CallResult<T>(response.StatusCode, default, problem);
        }
        catch (Exception e) when (ServiceClients.IsNoAnswer(e, ct))
        {
            return new CallResult<T>(null, default, null);
        }
    }
}

public sealed record CartLine(string Sku, int Quantity);
public sealed record InternalCart(Guid UserId, IReadOnlyList<CartLine> Lines);

public sealed class CartClient(HttpClient http)
{
    public Task<CallResult<InternalCart>> GetAsync(Guid userId, CancellationToken ct) => Calls.GetAsync<InternalCart>(http, $"internal/carts/{userId}", ct);

    /// <summary>
    /// Takes an order's lines out of the customer's cart (what was added since stays). Best effort and sent once, so a
    /// cart that does not answer never holds up the shopper's confirmation; cart takes an order's lines out once
    /// however often the call arrives.
    /// </summary>
    public async Task RemoveOrderedAsync(Guid userId, Guid orderId, IEnumerable<ReservationLine> lines, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"internal/carts/{userId}/ordered") { Content = JsonContent.Create(new { orderId, lines }) };
        await Calls.SendAsync<object>(http, request, ct);
    }
}

public sealed record PricedSku(string Sku, Guid ProductId, string ProductName, string ProductSlug, IReadOnlyDictionary<string, string> Options,
    long Price, string Currency, int WeightGrams, int Available, string Availability, bool Purchasable);
public sealed record PricingResponse(IReadOnlyList<PricedSku> Items, IReadOnlyList<string> Unknown);
public sealed record ReservationLine(string Sku, int Quantity);
public sealed record Reservation(Guid OrderId, string Status, DateTimeOffset ExpiresAt, IReadOnlyList<ReservationLine> Lines);

public sealed class CatalogClient(HttpClient http)
{
    public async Task<CallResult<PricingResponse>> PriceAsync(IEnumerable<string> skus, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/pricing") { Content = JsonContent.Create(new { skus }) };
        request.Options.Set(ResilienceHandler.ReadOnly, true);
        return await Calls.SendAsync<PricingResponse>(http, request, ct);
    }

    public Task<CallResult<Reservation>> ReserveAsync(Guid orderId, IEnumerable<ReservationLine> lines, TimeSpan ttl, CancellationToken ct) =>
        Calls.PostAsync<Reservation>(http, "internal/reservations", new { orderId, lines, ttlSeconds = (int)ttl.TotalSeconds }, orderId, ct);

    public Task<CallResult<Reservation>> ExtendAsync(Guid orderId, TimeSpan ttl, CancellationToken ct) =>
        Calls.PostAsync<Reservation>(http, $"internal/reservations/{orderId}/extend", new { ttlSeconds = (int)ttl.TotalSeconds }, orderId, ct);

    public Task<CallResult<Reservation>> CommitAsync(Guid orderId, CancellationToken ct) =>
        Calls.PostAsync<Reservation>(http, $"internal/reservations/{orderId}/commit", null, orderId, ct);

    public Task<CallResult<Reservation>> ReleaseAsync(Guid orderId, CancellationToken ct) =>
        Calls.PostAsync<Reservation>(http, $"internal/reservations/{orderId}/release", null, orderId, ct);

    public Task<CallResult<Reservation>> ReturnAsync(Guid orderId, CancellationToken ct) =>
        Calls.PostAsync<Reservation>(http, $"internal/reservations/{orderId}/return", null, orderId, ct);

    public Task<CallResult<object>> ReportDeliveryAsync(Guid userId, Guid productId, Guid orderId, DateTimeOffset deliveredAt, CancellationToken ct) =>
        Calls.PostAsync<object>(http, "internal/delivered-purchases", new { userId, productId, orderId, deliveredAt }, orderId, ct);
}

public sealed record CardInfo(string Brand, string Last4, string Fingerprint, string Bin, string Country);
public sealed record PaymentEntry(string Kind, long Amount, string Status);
public sealed record PaymentInfo(Guid Id, Guid OrderId, string Status, long Amount, long CapturedAmount, long RefundedAmount, string Currency, string? DeclineCode,
    IReadOnlyList<PaymentEntry>? Transactions = null)
{
    public IEnumerable<PaymentEntry> Refunds => (Transactions ?? []).Where(t => t.Kind == "refund");

    /// <summary>What the ledger shows refunded.</summary>
    public long RefundedInLedger => Refunds.Where(r => r.Status == "succeeded").Sum(r => r.Amount);

    /// <summary>Refunds whose outcome the card network has not told yet.</summary>
    public IEnumerable<PaymentEntry> PendingRefunds => Refunds.Where(r => r.Status == "unknown");

    public bool RefundPending => PendingRefunds.Any();

    /// <summary>Payments answered, but a call it made to the card network has no outcome yet.</summary>
    public bool Pending => Status == "unknown";

    /// <summary>Nothing is held on the card: the authorization is voided.</summary>
    public bool Voided => Status == "voided";

    /// <summary>All of the amount is captured (the ledger's succeeded captures).</summary>
    public bool Captured => CapturedAmount >= Amount;

    /// <summary>Why the card network refused the last call, or the status the payment is left in.</summary>
    public string Refusal => DeclineCode ?? (Transactions ?? []).LastOrDefault(t => t.Status == "failed")?.Kind switch
    {
        { } kind => $"the card network refused the {kind}",
        null => $"the payment is {Status.Replace('_', ' ')}",
    };
}

public sealed class PaymentsClient(HttpClient http)
{
    public Task<CallResult<CardInfo>> DescribeCardAsync(string token, CancellationToken ct) =>
        Calls.GetAsync<CardInfo>(http, $"internal/payments/cards/{Uri.EscapeDataString(token)}", ct);

    public Task<CallResult<PaymentInfo>> AuthorizeAsync(Guid orderId, long amount, string currency, string token, CancellationToken ct) =>
        Calls.PostAsync<PaymentInfo>(http, "internal/payments/authorize", new { orderId, amount, currency, token }, orderId, ct);

    public Task<CallResult<PaymentInfo>> GetAsync(Guid paymentId, CancellationToken ct) =>
        Calls.GetAsync<PaymentInfo>(http, $"internal/payments/{paymentId}", ct);

    public Task<CallResult<PaymentInfo>> FindByOrderAsync(Guid orderId, CancellationToken ct) =>
        Calls.GetAsync<PaymentInfo>(http, $"internal/payments/by-order/{orderId}", ct);

    public Task<CallResult<PaymentInfo>> CaptureAsync(Guid paymentId, Guid key, CancellationToken ct) =>
        Calls.PostAsync<PaymentInfo>(http, $"internal/payments/{paymentId}/capture", new { }, key, ct);

    public Task<CallResult<PaymentInfo>> VoidAsync(Guid paymentId, Guid key, CancellationToken ct) =>
        Calls.PostAsync<PaymentInfo>(http, $"internal/payments/{paymentId}/void", null, key, ct);

    public Task<CallResult<PaymentInfo>> RefundAsync(Guid paymentId, long amount, Guid key, CancellationToken ct) =>
        Calls.PostAsync<PaymentInfo>(http, $"internal/payments/{paymentId}/refund", new { amount }, key, ct);
}

public sealed record RiskAssessment(Guid AssessmentId, Guid OrderId, string Decision, int Score);

public sealed class RiskClient(HttpClient http, TimeProvider clock)
{
    public Task<CallResult<RiskAssessment>> AssessAsync(object request, Guid orderId, CancellationToken ct) =>
        Calls.PostAsync<RiskAssessment>(http, "internal/risk/assessments", request, orderId, ct);

    /// <summary>
    /// Records the verdict on an order risk sent to review: an admin's <c>approved</c> or <c>rejected</c>, or
    /// <c>withdrawn</c> when the order ended before anyone decided. The latest verdict stands (by when it was decided,
    /// sent along, so one delivered late does not replace a newer one) and repeating one is harmless, so it is retried;
    /// an order risk never assessed (held because risk refused its input) is a 404.
    /// </summary>
    public Task<CallResult<object>> RecordVerdictAsync(Guid orderId, string outcome, string reviewer, CancellationToken ct) =>
        Calls.PostAsync<object>(http, $"internal/risk/assessments/by-order/{orderId}/review", new { outcome, reviewer, decidedAt = clock.GetUtcNow() },
            CallKeys.For($"review:{orderId}:{outcome}"), ct);
}
