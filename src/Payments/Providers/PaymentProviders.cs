using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Providers;

/// <summary>
/// The providers this deployment can reach: the sandbox always (its network lives in payments' own database), Stripe
/// when its key is configured. New payments go to <see cref="Current"/> (<c>Payments:Provider</c>); a payment's later
/// calls — capture, void, refund, look-ups — go to the provider it was made with, so changing the setting does not send
/// an earlier payment's capture to a provider that has never heard of it.
/// </summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers, IOptions<PaymentsOptions> options)
{
    readonly IReadOnlyList<IPaymentProvider> all = [.. providers];

    /// <summary>The provider new payments are made with.</summary>
    public IPaymentProvider Current => For(options.Value.Provider)
        ?? throw new InvalidOperationException($"Payments:Provider is {options.Value.Provider}, which is not configured.");

    /// <summary>The names of the providers configured here.</summary>
    public string[] Names => [.. all.Select(p => p.Name)];

    /// <returns>The provider with this name, or null when this deployment is not configured for it.</returns>
    public IPaymentProvider? For(string name) => all.FirstOrDefault(p => p.Name == name);
}
