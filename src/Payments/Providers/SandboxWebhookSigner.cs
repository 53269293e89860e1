using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Providers;

/// <summary>Signs and verifies the sandbox's webhooks (header <c>Bazaar-Sandbox-Signature</c>, <see cref="WebhookSignature"/>'s scheme) with its secret.</summary>
public sealed class SandboxWebhookSigner(IOptions<PaymentsOptions> options)
{
    public const string HeaderName = "Bazaar-Sandbox-Signature";

    public string Sign(string payload, DateTimeOffset t) => WebhookSignature.Sign(options.Value.Sandbox.WebhookSecret, payload, t);

    /// <summary>True when the header carries a valid signature of this payload made within the tolerance of <paramref name="now"/>.</summary>
    public bool Verify(string? header, string payload, DateTimeOffset now, TimeSpan? tolerance = null) =>
        WebhookSignature.Verify(options.Value.Sandbox.WebhookSecret, header, payload, now, tolerance);
}
