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

    // local@domain.tld: no spaces, one @, a dot in the domain, no leading/trailing dots or dashes in labels.
    [GeneratedRegex(@"^[^\s@""(),:;<>\[\]\\]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex Shape();
}
