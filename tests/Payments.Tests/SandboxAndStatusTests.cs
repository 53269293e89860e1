using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Tests;

/// <summary>The pure parts: card rules, webhook signatures, and how a payment's status follows from its ledger.</summary>
public sealed class SandboxAndStatusTests
{
    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("4000002500000003", true)]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("", false)]
    public void Luhn(string digits, bool valid) => SandboxCards.IsLuhnValid(digits).ShouldBe(valid);

    [Theory]
    [InlineData("4242424242424242", "visa")]
    [InlineData("5105105105105100", "mastercard")]
    [InlineData("2221000000000009", "mastercard")]
    [InlineData("2720990000000007", "mastercard")]
    [InlineData("2721000000000004", "unknown")]
    [InlineData("378282246310005", "amex")]
    [InlineData("341111111111111", "amex")]
    [InlineData("6011111111111117", "unknown")]
    public void Brand_follows_the_issuer_number(string digits, string brand) => SandboxCards.BrandOf(digits).ShouldBe(brand);

    [Fact]
    public void Test_cards_pick_their_scenario_and_country()
    {
        SandboxCards.ScenarioOf(SandboxCards.InsufficientFundsCard).ShouldBe("insufficient_funds");
        SandboxCards.ScenarioOf(SandboxCards.StolenCardCard).ShouldBe("stolen_card");
        SandboxCards.ScenarioOf(SandboxCards.ProcessingErrorCard).ShouldBe("processing_error");
        SandboxCards.ScenarioOf(SandboxCards.SlowCard).ShouldBe("slow");
        SandboxCards.ScenarioOf("4111111111111111").ShouldBe("success");
        SandboxCards.CountryOf(SandboxCards.FrenchCard).ShouldBe("FR");
        SandboxCards.CountryOf(SandboxCards.GermanCard).ShouldBe("DE");
        SandboxCards.CountryOf(SandboxCards.Visa).ShouldBe("US");
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    [InlineData("Development", true)]
    public void The_published_development_keys_are_refused_outside_development(string environment, bool starts)
    {
        var withDefaults = PaymentsApp.Build(environment);
        if (starts)
            withDefaults.Validate();
        else
            Should.Throw<OptionsValidationException>(withDefaults.Validate).Message.ShouldContain("published development keys");
        // Its own keys: starts anywhere.
        PaymentsApp.Build(environment, ("Payments:Sandbox:FingerprintKey", "a-key-of-this-environment"), ("Payments:Sandbox:WebhookSecret", "whsec_of_this_environment")).Validate();
    }

    static SandboxWebhookSigner Signer(string secret = "s3cret") =>
        new(Options.Create(new PaymentsOptions { Sandbox = { WebhookSecret = secret } }));

    [Fact]
    public void A_webhook_signature_verifies_only_for_its_body_secret_and_time()
    {
        var at = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var header = Signer().Sign("""{"id":"evt_1"}""", at);
        header.ShouldStartWith($"t={at.ToUnixTimeSeconds()},v1=");

        Signer().Verify(header, """{"id":"evt_1"}""", at.AddMinutes(4)).ShouldBeTrue();
        Signer().Verify(header, """{"id":"evt_2"}""", at).ShouldBeFalse();
        Signer("other").Verify(header, """{"id":"evt_1"}""", at).ShouldBeFalse();
        Signer().Verify(header, """{"id":"evt_1"}""", at.AddMinutes(6)).ShouldBeFalse();
        Signer().Verify(header, """{"id":"evt_1"}""", at.AddMinutes(-6)).ShouldBeFalse();
        Signer().Verify(null, """{"id":"evt_1"}""", at).ShouldBeFalse();
        Signer().Verify("v1=" + header.Split("v1=")[1], """{"id":"evt_1"}""", at).ShouldBeFalse();
        Signer().Verify("t=abc,v1=zz", """{"id":"evt_1"}""", at).ShouldBeFalse();
        // A rotated secret: the sender may send several v1 values; one valid is enough.
        Signer().Verify($"{header},v1={new string('0', 64)}", """{"id":"evt_1"}""", at).ShouldBeTrue();
    }

    static (string, string)[] Ledger(params (string Kind, string Status)[] entries) => entries;

    [Fact]
    public void Status_follows_the_ledger_and_never_guesses()
    {
        PaymentStatus.Derive(Ledger(("authorization", "unknown")), 100, 0, 0).ShouldBe("unknown");
        PaymentStatus.Derive(Ledger(("authorization", "failed")), 100, 0, 0).ShouldBe("declined");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded")), 100, 0, 0).ShouldBe("authorized");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "succeeded")), 100, 40, 0).ShouldBe("partially_captured");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "succeeded")), 100, 100, 0).ShouldBe("captured");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "unknown")), 100, 0, 0).ShouldBe("unknown");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "failed")), 100, 0, 0).ShouldBe("authorized");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("void", "succeeded")), 100, 0, 0).ShouldBe("voided");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("void", "failed")), 100, 0, 0).ShouldBe("authorized");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "succeeded"), ("refund", "succeeded")), 100, 100, 30).ShouldBe("partially_refunded");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "succeeded"), ("refund", "succeeded")), 100, 60, 60).ShouldBe("refunded");
        PaymentStatus.Derive(Ledger(("authorization", "succeeded"), ("capture", "succeeded"), ("refund", "unknown")), 100, 60, 60).ShouldBe("unknown");
    }
}
