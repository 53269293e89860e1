using Bazaar.Payments.Payments;
using Bazaar.ServiceDefaults.Http;

namespace Bazaar.Payments.Tests;

/// <summary>The ledger sends its keys to the provider as idempotency keys: the longest caller's key must still fit.</summary>
public sealed class LedgerKeyTests
{
    [Fact]
    public void A_capture_or_refund_under_the_longest_idempotency_key_fits_the_provider()
    {
        var longest = new string('k', IdempotencyKey.MaxLength);
        PaymentService.CaptureKey(Guid.NewGuid(), longest).Length.ShouldBeLessThanOrEqualTo(PaymentService.MaxLedgerKey);
        PaymentService.RefundKey(Guid.NewGuid(), longest).Length.ShouldBeLessThanOrEqualTo(PaymentService.MaxLedgerKey);
    }
}
