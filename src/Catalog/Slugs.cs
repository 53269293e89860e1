using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bazaar.Catalog;

/// <summary>URL names: lower-case letters and digits in dash-separated words, at most 120 characters.</summary>
public static partial class Slugs
{
    public const int MaxLength = 120;

    /// <summary>
    /// Lower-case letters, digits and single dashes, and never something that reads as an id: pages and listings take
    /// an id or a slug in the same place and try the id first.
    /// </summary>
    public static bool IsValid(string? slug) => slug is { Length: > 0 and <= MaxLength } && Shape().IsMatch(slug) && !Guid.TryParse(slug, out _);

    /// <summary>What a refused slug is told.</summary>
    public static string Rule(string example) => $"Use lower-case letters, digits and dashes, like '{example}' (not an id).";

    /// <summary>
    /// What a refused slug is told when the request sent none (<paramref name="sent"/> null) and it was made from the
    /// name: a name in a script with no Latin letters or digits gives none, and the client never sent the field.
    /// </summary>
    public static string Rule(string example, string? sent) =>
        sent is null ? $"No web address could be made from the name; send a slug of lower-case letters, digits and dashes, like '{example}'." : Rule(example);

    /// <summary>"Trail Running Shoes – Größe 42" → "trail-running-shoes-grosse-42".</summary>
    public static string From(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            if (char.IsAsciiLetterOrDigit(c))
                builder.Append(char.ToLowerInvariant(c));
            else if (builder.Length > 0 && builder[^1] != '-')
                builder.Append('-');
        }
        var slug = builder.ToString().Trim('-');
        return slug.Length <= MaxLength ? slug : slug[..MaxLength].TrimEnd('-');
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex Shape();
}
