using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Bazaar.Identity.Users;

/// <summary>An e-mail address as entered (trimmed) and its normalized form, which is what uniqueness and sign-in compare.</summary>
public sealed partial record EmailAddress(string Value, string Normalized)
{
    public const int MaxLength = 254;

    public static bool TryParse(string? input, [NotNullWhen(true)] out EmailAddress? email)
    {
        email = null;
        var value = input?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !Shape().IsMatch(value))
            return false;
        email = new EmailAddress(value, value.ToLowerInvariant());
        return true;
    }

    /// <summary>The normalized form of anything typed into a sign-in box (no validation: unknown just means no match).</summary>
    public static string Normalize(string? input) => (input ?? "").Trim().ToLowerInvariant();

    // local@domain.tld: one @, a dot in the domain, no leading/trailing dots or dashes in labels. The local part is
    // ASCII (RFC 5322's atext and dots): Amazon SES, which sends the e-mails, does not take internationalised local
    // parts, and ASCII has one spelling per address under lower-casing, where Unicode has look-alikes (a composed and a
    // decomposed é, zero-width spaces, the Kelvin sign that lower-cases to k) that would let two accounts share what
    // reads as one address.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex Shape();
}
