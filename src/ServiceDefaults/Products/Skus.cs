namespace Bazaar.ServiceDefaults.Products;

/// <summary>
/// What a SKU looks like, everywhere one arrives (catalog's products and stock, cart lines): upper-case letters and
/// digits, then dots and hyphens too, at most 64 characters. One rule, so a SKU one service takes the other takes too.
/// </summary>
public static partial class Skus
{
    public const int MaxLength = 64;

    public static bool IsValid(string? sku) => sku is { Length: > 0 and <= MaxLength } && Shape().IsMatch(sku);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Z0-9][A-Z0-9.-]*\z")] // \z: "$" would also allow a trailing newline
    private static partial System.Text.RegularExpressions.Regex Shape();
}
