using System.Security.Cryptography;
using System.Text;
using Bazaar.ServiceDefaults.Auth;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Payments.Providers;

public sealed record SandboxToken(string Token, string Brand, string Last4, int ExpMonth, int ExpYear);

public abstract record TokenizeResult
{
    public sealed record Created(SandboxToken Token) : TokenizeResult;

    /// <summary>The card was refused; <paramref name="Field"/> names the request field (number, expMonth, expYear, cvc).</summary>
    public sealed record Invalid(string Field, string Message) : TokenizeResult;
}

/// <summary>
/// Turns a card into a token, as a provider's hosted card field would: the storefront sends the number here once and
/// from then on only the token travels. The number itself is never stored or logged; what is kept is the last four
/// digits, the BIN and a keyed fingerprint (HMAC-SHA256), which is the same for every token of one card.
/// </summary>
public sealed class SandboxTokenizer(NpgsqlDataSource db, TimeProvider clock, IOptions<PaymentsOptions> options)
{
    public async Task<TokenizeResult> TokenizeAsync(string? number, int expMonth, int expYear, string? cvc, CancellationToken ct)
    {
        var digits = (number ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (digits.Length == 0)
            return new TokenizeResult.Invalid("number", "Give the card number.");
        if (!digits.All(char.IsAsciiDigit) || digits.Length is < 12 or > 19)
            return new TokenizeResult.Invalid("number", "A card number is 12 to 19 digits (spaces and dashes are ignored).");
        if (!SandboxCards.IsLuhnValid(digits))
            return new TokenizeResult.Invalid("number", "This is not a valid card number; check the digits.");
        if (expMonth is < 1 or > 12)
            return new TokenizeResult.Invalid("expMonth", "The expiry month is 1 to 12.");
        if (expYear is >= 0 and < 100)
            expYear += 2000; // "28" on the card means 2028
        var now = clock.GetUtcNow();
        if (expYear < now.Year)
            return new TokenizeResult.Invalid("expYear", "The card has expired.");
        if (expYear > now.Year + 20)
            return new TokenizeResult.Invalid("expYear", "The expiry year is too far in the future.");
        if (expYear == now.Year && expMonth < now.Month)
            return new TokenizeResult.Invalid("expMonth", "The card has expired.");
        if (cvc is null || cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit))
            return new TokenizeResult.Invalid("cvc", "The security code is the 3 or 4 digits on the card.");

        var token = new SandboxToken("tok_" + Base64Url.Encode(RandomNumberGenerator.GetBytes(18)), SandboxCards.BrandOf(digits), digits[^4..], expMonth, expYear);
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into sandbox_cards (token, scenario, brand, last4, fingerprint, bin, country, exp_month, exp_year, created_at)
            values (@token, @scenario, @brand, @last4, @fingerprint, @bin, @country, @expMonth, @expYear, @now)
            """, new
        {
            token = token.Token, scenario = SandboxCards.ScenarioOf(digits), brand = token.Brand, last4 = token.Last4, fingerprint = Fingerprint(digits),
            bin = digits[..6], country = SandboxCards.CountryOf(digits), expMonth, expYear, now,
        }, cancellationToken: ct));
        return new TokenizeResult.Created(token);
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the digits: comparable across tokens, useless without the key.</summary>
    public string Fingerprint(string digits) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Sandbox.FingerprintKey), Encoding.ASCII.GetBytes(digits)));
}
