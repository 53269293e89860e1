using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Data;

namespace Bazaar.Payments.Tests;

public sealed class TokenizationTests(PaymentsFactory factory) : PaymentsTest(factory)
{
    const string Url = "/api/v1/payments/sandbox/tokens";

    [Theory]
    [InlineData(SandboxCards.Visa, "visa", "4242", "US")]
    [InlineData("5555 5555 5555 4444", "mastercard", "4444", "US")]
    [InlineData("4000-0000-0000-9995", "visa", "9995", "US")]
    [InlineData(SandboxCards.StolenCardCard, "visa", "9979", "US")]
    [InlineData(SandboxCards.ProcessingErrorCard, "visa", "0119", "US")]
    [InlineData(SandboxCards.SlowCard, "visa", "6975", "US")]
    [InlineData(SandboxCards.FrenchCard, "visa", "0003", "FR")]
    [InlineData(SandboxCards.GermanCard, "visa", "0016", "DE")]
    [InlineData("378282246310005", "amex", "0005", "US")]
    [InlineData("2223003122003222", "mastercard", "3222", "US")]
    public async Task Test_cards_become_tokens_with_their_card_facts(string number, string brand, string last4, string country)
    {
        var response = await Anonymous.PostAsJsonAsync(Url, PaymentsFactory.Card(number, expYear: DateTime.UtcNow.Year + 3, expMonth: 7));
        var token = await response.ShouldBeOkAsync<SandboxToken>(HttpStatusCode.Created);
        token.Token.ShouldStartWith("tok_");
        token.Token.Length.ShouldBe(28);
        (token.Brand, token.Last4, token.ExpMonth, token.ExpYear).ShouldBe((brand, last4, 7, DateTime.UtcNow.Year + 3));

        var card = await Factory.Service().GetFromJsonAsync<CardDetails>($"/internal/payments/cards/{token.Token}");
        var digits = number.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        (card!.Brand, card.Last4, card.Bin, card.Country).ShouldBe((brand, last4, digits[..6], country));
        card.Fingerprint.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public async Task The_number_is_never_stored_and_the_fingerprint_follows_the_card()
    {
        var first = await Factory.TokenizeAsync(SandboxCards.Visa);
        var second = await Factory.TokenizeAsync("4242 4242 4242 4242");
        var other = await Factory.TokenizeAsync(SandboxCards.Mastercard);
        first.Token.ShouldNotBe(second.Token);

        var service = Factory.Service();
        var cards = await Task.WhenAll(new[] { first, second, other }.Select(t => service.GetFromJsonAsync<CardDetails>($"/internal/payments/cards/{t.Token}")));
        cards[0]!.Fingerprint.ShouldBe(cards[1]!.Fingerprint);
        cards[0]!.Fingerprint.ShouldNotBe(cards[2]!.Fingerprint);

        (await Factory.NumberAsync("select count(*) from sandbox_cards where row_to_json(sandbox_cards)::text like '%4242424242424242%'")).ShouldBe(0);
        (await Factory.NumberAsync("select count(*) from sandbox_cards")).ShouldBe(3);
    }

    [Fact]
    public async Task Tokens_are_deleted_30_days_after_they_were_issued()
    {
        var old = await Factory.TokenizeAsync(SandboxCards.Visa);
        var purger = Factory.Services.GetRequiredService<RowPurger>();
        Factory.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        await purger.PurgeAsync(default);
        (await Factory.NumberAsync("select count(*) from sandbox_cards")).ShouldBe(1);

        var recent = await Factory.TokenizeAsync(SandboxCards.Mastercard);
        Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await purger.PurgeAsync(default);
        (await Factory.NumberAsync("select count(*) from sandbox_cards where token = @token", new { token = old.Token })).ShouldBe(0);
        (await Factory.NumberAsync("select count(*) from sandbox_cards where token = @token", new { token = recent.Token })).ShouldBe(1);
    }

    [Theory]
    [InlineData("", 12, 2, "123", "number")]
    [InlineData("4242424242424241", 12, 2, "123", "number")] // fails the Luhn check
    [InlineData("4242abcd42424242", 12, 2, "123", "number")]
    [InlineData("42424242424", 12, 2, "123", "number")] // too short
    [InlineData("42424242424242424242", 12, 2, "123", "number")] // too long
    [InlineData(SandboxCards.Visa, 13, 2, "123", "expMonth")]
    [InlineData(SandboxCards.Visa, 0, 2, "123", "expMonth")]
    [InlineData(SandboxCards.Visa, 12, -1, "123", "expYear")] // expired last year
    [InlineData(SandboxCards.Visa, 12, 30, "123", "expYear")]
    [InlineData(SandboxCards.Visa, 12, 2, "12", "cvc")]
    [InlineData(SandboxCards.Visa, 12, 2, "12a", "cvc")]
    [InlineData(SandboxCards.Visa, 12, 2, "12345", "cvc")]
    public async Task Bad_cards_are_refused_naming_the_field(string number, int expMonth, int yearsFromNow, string cvc, string field)
    {
        var response = await Anonymous.PostAsJsonAsync(Url, new { number, expMonth, expYear = Factory.Clock.GetUtcNow().Year + yearsFromNow, cvc });
        var problem = await response.ShouldNameFieldAsync(field);
        problem.ToString().ShouldNotContain(number.Length > 4 ? number : "no number to leak");
        (await Factory.NumberAsync("select count(*) from sandbox_cards")).ShouldBe(0);
    }

    [Fact]
    public async Task A_card_that_expired_earlier_this_year_is_refused()
    {
        var now = Factory.Clock.GetUtcNow();
        if (now.Month == 1)
            return; // no earlier month this year
        var response = await Anonymous.PostAsJsonAsync(Url, new { number = SandboxCards.Visa, expMonth = now.Month - 1, expYear = now.Year, cvc = "123" });
        await response.ShouldNameFieldAsync("expMonth");
    }

    [Fact]
    public async Task A_two_digit_year_means_this_century()
    {
        var year = DateTime.UtcNow.Year + 1;
        var response = await Anonymous.PostAsJsonAsync(Url, new { number = SandboxCards.Visa, expMonth = 5, expYear = year % 100, cvc = "1234" });
        (await response.ShouldBeOkAsync<SandboxToken>(HttpStatusCode.Created)).ExpYear.ShouldBe(year);
    }

    [Fact]
    public async Task An_unknown_token_has_no_card()
    {
        await (await Factory.Service().GetAsync("/internal/payments/cards/tok_nope")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
