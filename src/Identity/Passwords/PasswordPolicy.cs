using System.Collections.Frozen;

namespace Bazaar.Identity.Passwords;

/// <summary>At least 10 characters, at most 128, not one of the bundled common passwords, not the e-mail address.</summary>
public sealed class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    readonly FrozenSet<string> _common = LoadCommonPasswords();

    /// <returns>Why the password is refused, or null when it is acceptable.</returns>
    public string? Check(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
            return "Enter a password.";
        if (password.Length < MinLength)
            return $"The password must be at least {MinLength} characters long.";
        if (password.Length > MaxLength)
            return $"The password must be at most {MaxLength} characters long.";
        if (_common.Contains(password.ToLowerInvariant()))
            return "This password is too common; choose one that is harder to guess.";
        if (email is not null && string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
            return "The password must not be your e-mail address.";
        return null;
    }

    static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("Bazaar.Identity.Passwords.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0)
                words.Add(line);
        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
