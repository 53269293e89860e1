using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bazaar.Payments.Payments;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Providers;

/// <summary>
/// Stripe as the card provider, over its REST API (https://docs.stripe.com/api), without Stripe.net (not in the package
/// mirror, ADR 0010). An authorization is a PaymentIntent confirmed with <c>capture_method=manual</c>; capture, void
/// (cancel) and refund act on it. Every call carries Bazaar's idempotency key as Stripe's <c>Idempotency-Key</c> and in
/// the object's metadata, which is how <see cref="LookupAsync"/> finds a call whose answer was lost: Stripe keeps no
/// index by idempotency key. Look-ups use list endpoints, never search: Stripe's search index may lag behind writes
/// (for minutes during an incident), and a PaymentIntent missed there would be taken for one never made while its
/// hold stays on the card. The token is a PaymentMethod id (<c>pm_…</c>) that Stripe.js created in the browser.
/// Built against the documented API and checked here against answers in the documented shapes (StripeProviderTests),
/// not recordings: no call to Stripe itself can be made from this machine.
/// </summary>
public sealed class StripeProvider(HttpClient http, IOptions<PaymentsOptions> options) : IPaymentProvider
{
    public const string ProviderName = "stripe";

    /// <summary>The metadata field that carries Bazaar's idempotency key on PaymentIntents and Refunds.</summary>
    public const string KeyField = "bazaar_idempotency_key";

    /// <summary>The header Stripe signs its webhook deliveries in (<see cref="WebhookSignature"/>).</summary>
    public const string SignatureHeader = "Stripe-Signature";

    /// <summary>How far before the ledger's time a PaymentIntent's <c>created</c> may lie (the two clocks differ).</summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(5);

    /// <summary>Pages of 100 read to find a lost authorization or refund; beyond that the look-up says "not known yet".</summary>
    const int MaxPages = 20;

    public string Name => ProviderName;

    /// <summary>A PaymentIntent is captured once; Stripe releases what the capture did not take.</summary>
    public bool CapturesOnce => true;

    public async Task<ProviderResult> AuthorizeAsync(ProviderAuthorization authorization, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/payment_intents", authorization.IdempotencyKey, ct,
            ("amount", Amount(authorization.Amount, authorization.Currency)),
            ("currency", authorization.Currency.ToLowerInvariant()),
            ("payment_method", authorization.Token),
            ("payment_method_types[]", "card"),
            ("capture_method", "manual"),
            ("confirm", "true"),
            ($"metadata[{KeyField}]", authorization.IdempotencyKey));
        return await ReadAsync(response, Authorization, ct);
    }

    public async Task<ProviderResult> CaptureAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v1/payment_intents/{Uri.EscapeDataString(reference)}/capture", idempotencyKey, ct,
            ("amount_to_capture", Amount(amount, currency)));
        return await ReadAsync(response, intent => Moved(LedgerKind.Capture, intent, lookedUp: false), ct);
    }

    public async Task<ProviderResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"v1/payment_intents/{Uri.EscapeDataString(reference)}/cancel", idempotencyKey, ct);
        return await ReadAsync(response, intent => Moved(LedgerKind.Void, intent, lookedUp: false), ct);
    }

    public async Task<ProviderResult> RefundAsync(string reference, long amount, string currency, string idempotencyKey, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/refunds", idempotencyKey, ct,
            ("payment_intent", reference),
            ("amount", Amount(amount, currency)),
            ($"metadata[{KeyField}]", idempotencyKey));
        return await ReadAsync(response, refund => Refund(refund, reference), ct);
    }

    /// <summary>
    /// What became of a call whose answer was lost: an authorization is found among the PaymentIntents created since
    /// it was sent, by the key in its metadata; a capture or void is read from the PaymentIntent's state; a refund is
    /// found among the PaymentIntent's refunds by its key.
    /// </summary>
    public async Task<ProviderResult> LookupAsync(ProviderLookup call, CancellationToken ct)
    {
        if (call.Kind == LedgerKind.Authorization)
            return await FindListedAsync($"v1/payment_intents?created[gte]={(call.SentAt - ClockSlack).ToUnixTimeSeconds()}", call.IdempotencyKey, Authorization, ct);
        if (call.Reference is not { } reference)
            return ProviderResult.Failed(ProviderResult.NoSuchOperation); // nothing was ever authorized to act on
        if (call.Kind == LedgerKind.Refund)
            return await FindListedAsync($"v1/refunds?payment_intent={Uri.EscapeDataString(reference)}", call.IdempotencyKey, refund => Refund(refund, reference), ct);
        using var document = await GetAsync($"v1/payment_intents/{Uri.EscapeDataString(reference)}", ct);
        return Moved(call.Kind, document.RootElement, lookedUp: true);
    }

    /// <summary>
    /// What a capture or void did, read from the PaymentIntent's state, both in the call's own answer and when its
    /// answer was lost. A state that settles neither way (<c>processing</c>, or one this adapter does not know) is
    /// pending, to be looked up again, not a refusal: a capture read as refused while Stripe goes on to take the money
    /// would leave the order unshipped with the customer charged.
    /// </summary>
    /// <param name="lookedUp">read by <see cref="LookupAsync"/>: an intent still awaiting capture says the lost call never
    /// reached Stripe; in the call's own answer it says Stripe took the call and moved nothing.</param>
    static ProviderResult Moved(string kind, JsonElement intent, bool lookedUp) => (kind, Status(intent)) switch
    {
        (LedgerKind.Capture, "succeeded") or (LedgerKind.Void, "canceled") => ProviderResult.Succeeded(Id(intent)),
        (_, "requires_capture") => ProviderResult.Failed(lookedUp ? ProviderResult.NoSuchOperation : "payment_intent_unchanged"),
        (LedgerKind.Capture, "canceled") => ProviderResult.Declined(Id(intent), "payment_intent_canceled"),
        (LedgerKind.Void, "succeeded") => ProviderResult.Declined(Id(intent), "payment_intent_captured"),
        _ => ProviderResult.Pending(Id(intent)),
    };

    /// <summary>
    /// Reads a list endpoint (newest first) page by page for the object whose metadata carries <paramref name="key"/>:
    /// what <paramref name="read"/> makes of it; <see cref="ProviderResult.NoSuchOperation"/> when listed to the end
    /// without it (never created); pending when it is not within <see cref="MaxPages"/> pages (ask again later).
    /// </summary>
    async Task<ProviderResult> FindListedAsync(string path, string key, Func<JsonElement, ProviderResult> read, CancellationToken ct)
    {
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            using var list = await GetAsync($"{path}&limit=100{(after is null ? "" : "&starting_after=" + Uri.EscapeDataString(after))}", ct);
            var items = list.RootElement.GetProperty("data");
            foreach (var listed in items.EnumerateArray())
                if (Metadata(listed, KeyField) == key)
                    return read(listed);
            if (!(list.RootElement.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True) || items.GetArrayLength() == 0)
                return ProviderResult.Failed(ProviderResult.NoSuchOperation);
            after = Id(items[items.GetArrayLength() - 1]);
        }
        return ProviderResult.Pending(null);
    }

    /// <summary>The card behind a PaymentMethod. Stripe does not give out the BIN, so it is empty (risk's BIN rules then do not apply).</summary>
    public async Task<CardDetails?> DescribeCardAsync(string token, CancellationToken ct)
    {
        using var document = await FindAsync($"v1/payment_methods/{Uri.EscapeDataString(token)}", ct);
        if (document is null)
            return null; // resource_missing: no such PaymentMethod
        return document.RootElement.TryGetProperty("card", out var card) && card.ValueKind == JsonValueKind.Object
            ? new CardDetails(Text(card, "brand"), Text(card, "last4"), Text(card, "fingerprint"), "", Text(card, "country"))
            : null; // not a card
    }

    static ProviderResult Authorization(JsonElement intent) => Status(intent) switch
    {
        "requires_capture" or "succeeded" => ProviderResult.Succeeded(Id(intent)),
        "processing" => ProviderResult.Pending(Id(intent)),
        "requires_action" => ProviderResult.Declined(Id(intent), "authentication_required"), // no 3-D Secure step in this checkout
        _ => ProviderResult.Declined(Id(intent), DeclineCode(intent.TryGetProperty("last_payment_error", out var error) ? error : default) ?? "card_declined"),
    };

    static ProviderResult Refund(JsonElement refund, string reference) => Text(refund, "status") switch
    {
        "succeeded" => ProviderResult.Succeeded(reference),
        "pending" or "requires_action" => ProviderResult.Pending(reference),
        var status => ProviderResult.Declined(reference, Text(refund, "failure_reason") is { Length: > 0 } reason ? reason : status),
    };

    /// <summary>
    /// Maps an answer: 2xx through <paramref name="map"/>; a card error (402) is a decline; another 400 a refusal that
    /// moved nothing. Anything else (401, 409 "idempotent request in progress", 429, 5xx) throws: the outcome is
    /// unknown and is looked up later.
    /// </summary>
    static async Task<ProviderResult> ReadAsync(HttpResponseMessage response, Func<JsonElement, ProviderResult> map, CancellationToken ct)
    {
        using var document = await ReadJsonAsync(response, ct);
        var root = document.RootElement;
        if (response.IsSuccessStatusCode)
            return map(root);
        var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : default;
        var reference = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("payment_intent", out var intent) && intent.ValueKind == JsonValueKind.Object
            ? Id(intent)
            : null;
        return response.StatusCode switch
        {
            HttpStatusCode.PaymentRequired => ProviderResult.Declined(reference, DeclineCode(error) ?? "card_declined"),
            HttpStatusCode.BadRequest => reference is null
                ? ProviderResult.Failed(DeclineCode(error) ?? "invalid_request")
                : ProviderResult.Declined(reference, DeclineCode(error) ?? "invalid_request"),
            _ => throw new HttpRequestException($"Stripe answered {(int)response.StatusCode}: {Text(error, "message")}", null, response.StatusCode),
        };
    }

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? idempotencyKey, CancellationToken ct, params (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.Stripe.SecretKey);
        request.Headers.Add("Stripe-Version", options.Value.Stripe.ApiVersion);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (method == HttpMethod.Post)
            request.Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await http.SendAsync(request, ct);
    }

    async Task<JsonDocument> GetAsync(string path, CancellationToken ct) =>
        await FindAsync(path, ct) ?? throw new HttpRequestException($"Stripe answered 404 to GET {path.Split('?')[0]}.", null, HttpStatusCode.NotFound);

    /// <returns>The answer, or null for a 404 (no such object). Anything else that is not 2xx throws: the outcome is unknown.</returns>
    async Task<JsonDocument?> FindAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Stripe answered {(int)response.StatusCode} to GET {path.Split('?')[0]}.", null, response.StatusCode);
        return await ReadJsonAsync(response, ct);
    }

    static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"Stripe answered {(int)response.StatusCode} with a body that is not JSON.", e, response.StatusCode);
        }
    }

    static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// An amount as Stripe reads it. Stripe counts in the currency's minor units like Bazaar, except for currencies it
    /// still treats as having two decimals where ISO 4217 gives none: ISK (https://docs.stripe.com/currencies, "special
    /// cases"; such amounts must be whole units, which Bazaar's always are).
    /// </summary>
    static string Amount(long minorUnits, string currency) =>
        Number(StripeHundredths.Contains(currency) ? checked(minorUnits * 100) : minorUnits);

    static readonly HashSet<string> StripeHundredths = new(StringComparer.OrdinalIgnoreCase) { "ISK" };

    static string? DeclineCode(JsonElement error) =>
        error.ValueKind != JsonValueKind.Object ? null
        : Text(error, "decline_code") is { Length: > 0 } decline ? decline
        : Text(error, "code") is { Length: > 0 } code ? code
        : null;

    static string Status(JsonElement intent) => Text(intent, "status");

    static string Id(JsonElement intent) => Text(intent, "id");

    static string? Metadata(JsonElement obj, string field) =>
        obj.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(field, out var value)
            ? value.GetString()
            : null;

    static string Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
