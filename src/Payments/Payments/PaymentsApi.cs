using System.Text;
using System.Text.Json;
using Bazaar.Payments.Providers;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Http;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Payments;

public sealed record AuthorizeRequest(Guid OrderId, long Amount, string? Currency, string? Token);

public sealed record CaptureRequest(long? Amount);

public sealed record RefundRequest(long Amount, string? Reason);

public sealed record TokenizeRequest(string? Number, int ExpMonth, int ExpYear, string? Cvc);

public static class PaymentsApi
{
    public const string AuthorizationCompleted = "payment.authorization_completed";

    public static void MapPaymentRoutes(this IEndpointRouteBuilder routes)
    {
        var internalApi = routes.MapGroup("/internal/payments").WithTags("Internal").RequireAuthorization(Policies.Internal).ExcludeFromDescription();
        internalApi.MapPost("/authorize", Authorize);
        internalApi.MapPost("/{id:guid}/capture", Capture);
        internalApi.MapPost("/{id:guid}/void", VoidPayment);
        internalApi.MapPost("/{id:guid}/refund", Refund);
        internalApi.MapGet("/{id:guid}", Get);
        internalApi.MapGet("/by-order/{orderId:guid}", ByOrder);
        internalApi.MapGet("/cards/{token}", Card);

        var support = routes.MapGroup("/api/v1/payments").WithTags("Payments").RequireAuthorization(Policies.Support);
        support.MapGet("/{id:guid}", Get);
        support.MapGet("/", FindByOrder);

        // The sandbox's card form and webhook while it takes new payments; Stripe's webhook once its signing secret is set.
        var options = routes.ServiceProvider.GetRequiredService<IOptions<PaymentsOptions>>().Value;
        if (options.UsesSandbox)
        {
            routes.MapPost("/api/v1/payments/sandbox/tokens", Tokenize).WithTags("Sandbox").AllowAnonymous().RequireRateLimiting(RateLimits.Api);
            routes.MapPost("/api/v1/payments/webhooks/sandbox", SandboxWebhook).WithTags("Sandbox").AllowAnonymous().RequireRateLimiting(RateLimits.Api);
        }
        if (options.Stripe.WebhookSecret.Length > 0)
            routes.MapPost("/api/v1/payments/webhooks/stripe", StripeWebhook).WithTags("Payments").AllowAnonymous().RequireRateLimiting(RateLimits.Api)
                .ExcludeFromDescription();
    }

    /// <summary>200 with the payment whatever the card network said (a decline is status declined); 422 for a token or currency that cannot be charged.</summary>
    static async Task<Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult>> Authorize(AuthorizeRequest request, PaymentService payments, CancellationToken ct)
    {
        if (request.OrderId == Guid.Empty)
            return Problem.Field("orderId", "Give the order's id.");
        if (request.Amount <= 0)
            return Problem.Field("amount", "The amount is a positive whole number of minor units (cents).");
        if (string.IsNullOrWhiteSpace(request.Currency))
            return Problem.Field("currency", "Give the ISO 4217 currency code.");
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 200)
            return Problem.Field("token", "Give the card token from the tokenisation endpoint.");
        if (!Currencies.IsSupported(request.Currency))
            return Problem.Status(StatusCodes.Status422UnprocessableEntity, "Unsupported currency",
                $"Payments are taken in {string.Join(", ", Currencies.Supported.Order(StringComparer.Ordinal))}.");
        return ToResult(await payments.AuthorizeAsync(request.OrderId, request.Amount, request.Currency, request.Token, ct));
    }

    static async Task<Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult>> Capture(Guid id, CaptureRequest? request,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, PaymentService payments, CancellationToken ct)
    {
        if (IdempotencyKey.Refuses(idempotencyKey, "a capture is made once per key", out var invalid))
            return invalid;
        if (request?.Amount is <= 0)
            return Problem.Field("amount", "Capture a positive amount, or leave it out to capture everything authorized.");
        return ToResult(await payments.CaptureAsync(id, request?.Amount, idempotencyKey, ct));
    }

    static async Task<Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult>> VoidPayment(Guid id, PaymentService payments, CancellationToken ct) =>
        ToResult(await payments.VoidAsync(id, ct));

    static async Task<Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult>> Refund(Guid id, RefundRequest request,
        [FromHeader(Name = IdempotencyKey.Header)] string? idempotencyKey, PaymentService payments, CancellationToken ct)
    {
        if (IdempotencyKey.Refuses(idempotencyKey, "a refund is made once per key", out var invalid))
            return invalid;
        if (request.Amount <= 0)
            return Problem.Field("amount", "Refund a positive amount of minor units.");
        if (request.Reason is { Length: > 500 })
            return Problem.Field("reason", "Keep the reason under 500 characters.");
        return ToResult(await payments.RefundAsync(id, request.Amount, idempotencyKey, request.Reason?.Trim(), ct));
    }

    static async Task<Results<Ok<PaymentDto>, ProblemHttpResult>> ByOrder(Guid orderId, PaymentService payments, CancellationToken ct) =>
        await payments.FindByOrderAsync(orderId, ct) is { } payment ? TypedResults.Ok(payment) : Problem.NotFound("There is no payment for this order.");

    /// <summary>Card facts for risk checks (brand, issuing country, fingerprint); never the number.</summary>
    static async Task<Results<Ok<CardDetails>, ProblemHttpResult>> Card(string token, PaymentProviders providers, CancellationToken ct) =>
        token.Length <= 200 && await providers.Current.DescribeCardAsync(token, ct) is { } card ? TypedResults.Ok(card) : Problem.NotFound("There is no card with this token.");

    static async Task<Results<Ok<PaymentDto>, ProblemHttpResult>> Get(Guid id, PaymentService payments, CancellationToken ct) =>
        await payments.FindAsync(id, ct) is { } payment ? TypedResults.Ok(payment) : Problem.NotFound("There is no payment with this id.");

    static async Task<Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult>> FindByOrder(PaymentService payments, CancellationToken ct, Guid? orderId = null)
    {
        if (orderId is null || orderId == Guid.Empty)
            return Problem.Field("orderId", "Give the order id to find its payment: /api/v1/payments?orderId=…");
        return await payments.FindByOrderAsync(orderId.Value, ct) is { } payment ? TypedResults.Ok(payment) : Problem.NotFound("There is no payment for this order.");
    }

    /// <summary>The storefront turns a card into a token here. The number is validated and never stored or logged.</summary>
    static async Task<Results<Created<SandboxToken>, ValidationProblem>> Tokenize(TokenizeRequest request, SandboxTokenizer tokenizer, PaymentsMetrics metrics, CancellationToken ct)
    {
        if (request.Number is { Length: > 40 })
            return Problem.Field("number", "A card number is 12 to 19 digits.");
        switch (await tokenizer.TokenizeAsync(request.Number, request.ExpMonth, request.ExpYear, request.Cvc, ct))
        {
            case TokenizeResult.Created created:
                metrics.Token("created");
                return TypedResults.Created((string?)null, created.Token);
            case TokenizeResult.Invalid invalid:
                metrics.Token("invalid");
                return Problem.Field(invalid.Field, invalid.Message);
            default:
                throw new InvalidOperationException("Unexpected tokenisation result.");
        }
    }

    /// <summary>The sandbox network's notifications, signed with its webhook secret.</summary>
    static Task<Results<Ok, ValidationProblem, ProblemHttpResult>> SandboxWebhook(HttpRequest request, SandboxWebhookSigner signer,
        PaymentService payments, PaymentsMetrics metrics, TimeProvider clock, CancellationToken ct) =>
        WebhookAsync(request, SandboxProvider.ProviderName, SandboxWebhookSigner.HeaderName, (header, payload) => signer.Verify(header, payload, clock.GetUtcNow()),
            WebhookEvent.FromSandbox, payments, metrics, ct);

    /// <summary>Stripe's notifications (https://docs.stripe.com/webhooks), signed with the endpoint's secret.</summary>
    static Task<Results<Ok, ValidationProblem, ProblemHttpResult>> StripeWebhook(HttpRequest request, IOptions<PaymentsOptions> options,
        PaymentService payments, PaymentsMetrics metrics, TimeProvider clock, CancellationToken ct) =>
        WebhookAsync(request, StripeProvider.ProviderName, StripeProvider.SignatureHeader,
            (header, payload) => WebhookSignature.Verify(options.Value.Stripe.WebhookSecret, header, payload, clock.GetUtcNow()),
            WebhookEvent.FromStripe, payments, metrics, ct);

    /// <summary>
    /// A provider's notification, verified by signature (401 otherwise) and processed once per event id: a redelivery
    /// answers 200 and does nothing, and one that arrives while an earlier delivery is still processing it answers 503. An event is a nudge, not the truth: the payment's unknown calls it names are looked
    /// up at the provider, as the resolver would a few seconds later, so a forged or stale body cannot move a payment.
    /// When the call the event is about is not settled yet (no answer, or still pending) the event is given up and
    /// answered 503, so the provider delivers it again later; other unknown calls of the payment hold nothing up (the
    /// resolver keeps asking). An event about nothing of Bazaar's is acknowledged and not kept.
    /// </summary>
    static async Task<Results<Ok, ValidationProblem, ProblemHttpResult>> WebhookAsync(HttpRequest request, string provider, string header,
        Func<string, string, bool> verify, Func<JsonElement, WebhookEvent?> parse, PaymentService payments, PaymentsMetrics metrics, CancellationToken ct)
    {
        string payload;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            payload = await reader.ReadToEndAsync(ct);
        if (!verify(request.Headers[header].ToString(), payload))
        {
            metrics.Webhook("rejected");
            return Problem.Unauthorized($"The {header} header is missing, does not match the body, or is too old.");
        }
        if (WebhookEvent.Parse(payload, parse) is not { } webhook)
            return Problem.Field("id", "A webhook event is a JSON object with an id (1–200 characters), a type and a data object.");
        if (!await payments.IsOursAsync(provider, webhook.IdempotencyKey, webhook.Reference, ct))
        {
            metrics.Webhook("ignored");
            return TypedResults.Ok();
        }
        var eventId = $"{provider}:{webhook.Id}"; // one table for every provider's events
        switch (await payments.ClaimWebhookAsync(eventId, webhook.Type, payload, ct))
        {
            case WebhookClaim.Processed:
                metrics.Webhook("duplicate");
                return TypedResults.Ok();
            case WebhookClaim.InProgress:
                metrics.Webhook("in_progress");
                return Problem.Unavailable(title: "Being processed", detail: "An earlier delivery of this event is being processed; deliver it again later.");
        }
        bool namedUnsettled;
        try
        {
            namedUnsettled = await payments.ResolveAsync(provider, webhook.IdempotencyKey, webhook.Reference, webhook.NamesIntentCalls, ct);
        }
        catch
        {
            await payments.GiveUpWebhookAsync(eventId); // so the provider's redelivery is processed; the resolver polls meanwhile
            throw;
        }
        if (namedUnsettled)
        {
            await payments.GiveUpWebhookAsync(eventId);
            metrics.Webhook("retry");
            return Problem.Unavailable(title: "Not settled yet", detail: "The provider could not confirm what this event is about yet; deliver it again later.");
        }
        await payments.WebhookProcessedAsync(eventId);
        metrics.Webhook("processed");
        return TypedResults.Ok();
    }

    static Results<Ok<PaymentDto>, ValidationProblem, ProblemHttpResult> ToResult(PaymentOutcome outcome) => outcome switch
    {
        PaymentOutcome.Done done => TypedResults.Ok(done.Payment),
        PaymentOutcome.NotFound => Problem.NotFound("There is no payment with this id."),
        PaymentOutcome.Conflict conflict => Problem.Conflict(conflict.Detail),
        PaymentOutcome.Unprocessable unprocessable => Problem.Status(StatusCodes.Status422UnprocessableEntity, unprocessable.Title, unprocessable.Detail),
        PaymentOutcome.Unavailable unavailable => Problem.Unavailable(title: "Payment provider unavailable", detail: unavailable.Detail),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome.GetType().Name}."),
    };

    /// <param name="IdempotencyKey">The key of the call the event is about, when it names one.</param>
    /// <param name="Reference">The provider's id of the authorization (payment intent) the event is about, when it names one.</param>
    /// <param name="NamesIntentCalls">The event is about the payment itself (a Stripe PaymentIntent), and so about its
    /// captures and voids too, which have no object of their own.</param>
    sealed record WebhookEvent(string Id, string Type, string? IdempotencyKey, string? Reference, bool NamesIntentCalls = false)
    {
        public static WebhookEvent? Parse(string payload, Func<JsonElement, WebhookEvent?> parse)
        {
            try
            {
                using var document = JsonDocument.Parse(payload);
                var root = document.RootElement;
                return root.ValueKind == JsonValueKind.Object && Text(root, "id", 200) is not null && Text(root, "type", 100) is not null ? parse(root) : null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException) // not JSON, or a string that is not UTF-16 (a lone surrogate)
            {
                return null;
            }
        }

        /// <summary><c>{"id": "evt_…", "type": "payment.authorization_completed", "data": {"idempotencyKey": "auth:…"}}</c>.</summary>
        public static WebhookEvent FromSandbox(JsonElement root)
        {
            var data = Object(root, "data");
            var type = Text(root, "type", 100)!;
            return new(Text(root, "id", 200)!, type, type == AuthorizationCompleted && data is { } d ? Text(d, "idempotencyKey", PaymentService.MaxLedgerKey) : null, null);
        }

        /// <summary>
        /// <c>{"id": "evt_…", "type": "payment_intent.amount_capturable_updated", "data": {"object": {"id": "pi_…",
        /// "object": "payment_intent", "metadata": {"bazaar_idempotency_key": "auth:…"}}}}</c>: a payment intent's or a
        /// refund's event carries the key of the call that made it in its metadata; a payment intent's names the
        /// authorization, whose captures and voids have no object of their own.
        /// </summary>
        public static WebhookEvent FromStripe(JsonElement root)
        {
            var subject = Object(root, "data") is { } data ? Object(data, "object") : null;
            var kind = subject is { } o ? Text(o, "object", 100) : null;
            var key = subject is { } s && Object(s, "metadata") is { } metadata ? Text(metadata, StripeProvider.KeyField, PaymentService.MaxLedgerKey) : null;
            var reference = kind switch
            {
                "payment_intent" => Text(subject!.Value, "id", 200),
                "refund" => Text(subject!.Value, "payment_intent", 200),
                _ => null,
            };
            return new(Text(root, "id", 200)!, Text(root, "type", 100)!, kind is "payment_intent" or "refund" ? key : null, reference, kind == "payment_intent");
        }

        static JsonElement? Object(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

        static string? Text(JsonElement parent, string name, int maxLength) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text && text.Length <= maxLength
                ? text : null;
    }
}
