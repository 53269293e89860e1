namespace Bazaar.Payments;

/// <summary>Payments' own settings (configuration section <c>Payments</c>).</summary>
public sealed class PaymentsOptions
{
    /// <summary>How long a call to the provider may take; after that its outcome is recorded as unknown and resolved later.</summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often unknown outcomes are looked up at the provider.</summary>
    public TimeSpan ResolveInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a call's outcome may stay unknown before it counts as stuck (<c>bazaar.payments.unknown_outcomes</c>,
    /// alert PaymentOutcomesUnknown): the resolver asks every <see cref="ResolveInterval"/>, and a provider that is up
    /// answers at the first ask, so an outcome unknown this long means the look-ups fail.
    /// </summary>
    public TimeSpan UnknownStuckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Which card provider holds the money: <c>sandbox</c> (the embedded default) or <c>stripe</c>.</summary>
    public string Provider { get; set; } = Providers.SandboxProvider.ProviderName;

    public SandboxSettings Sandbox { get; set; } = new();

    /// <summary>Whether new payments go to the sandbox, whose card form and webhook are then served.</summary>
    public bool UsesSandbox => Provider == Providers.SandboxProvider.ProviderName;

    public StripeSettings Stripe { get; set; } = new();

    /// <summary>Stripe's API (when <see cref="Provider"/> is <c>stripe</c>).</summary>
    public sealed class StripeSettings
    {
        /// <summary>The secret API key (<c>sk_live_…</c>, <c>sk_test_…</c>, or a restricted <c>rk_…</c> key allowed PaymentIntents, Refunds and PaymentMethods), from the secret store.</summary>
        public string SecretKey { get; set; } = "";

        public Uri BaseUrl { get; set; } = new("https://api.stripe.com/");

        /// <summary>The API version the answers are read in (Stripe-Version header), pinned so an account upgrade cannot change them.</summary>
        public string ApiVersion { get; set; } = "2024-06-20";

        /// <summary>
        /// The signing secret (<c>whsec_…</c>) of the webhook endpoint registered at Stripe for
        /// <c>/api/v1/payments/webhooks/stripe</c>, from the secret store. Unset: no webhook is served, and unknown
        /// outcomes are found by the resolver's polling alone.
        /// </summary>
        public string WebhookSecret { get; set; } = "";
    }

    public sealed class SandboxSettings
    {
        public const string DevelopmentFingerprintKey = "bazaar-sandbox-fingerprint-key-for-development-only";
        public const string DevelopmentWebhookSecret = "whsec_bazaar_sandbox_development_only";

        /// <summary>
        /// HMAC key of the card fingerprints. This default is a fixed development key so fingerprints stay stable across
        /// local restarts; any other environment must set its own from the secret store (payments refuses to start
        /// otherwise): with a published key, a fingerprint, the BIN and the last four digits give the card number back.
        /// </summary>
        public string FingerprintKey { get; set; } = DevelopmentFingerprintKey;

        /// <summary>Signs the sandbox's webhooks. Development default only; other environments set it from the secret store.</summary>
        public string WebhookSecret { get; set; } = DevelopmentWebhookSecret;

        /// <summary>
        /// Where the sandbox network POSTs its webhooks (an authorization of the slow card that completed late), as a
        /// provider posts to the address registered with it: the edge's <c>/api/v1/payments/webhooks/sandbox</c>.
        /// Unset: no webhooks are sent, and the resolver's polling alone finds such outcomes.
        /// </summary>
        public Uri? WebhookUrl { get; set; }

        /// <summary>How often due webhooks are looked for.</summary>
        public TimeSpan WebhookInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Whether either key is the published development one.</summary>
        public bool UsesDevelopmentKeys => FingerprintKey == DevelopmentFingerprintKey || WebhookSecret == DevelopmentWebhookSecret;

        /// <summary>How long the sandbox holds an authorization of the slow test card open before answering (longer than any sensible provider timeout).</summary>
        public TimeSpan SlowResponse { get; set; } = TimeSpan.FromSeconds(5);
    }
}
