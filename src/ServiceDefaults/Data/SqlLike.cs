namespace Bazaar.ServiceDefaults.Data;

/// <summary>User text inside LIKE patterns: its %, _ and \ match themselves, never as wildcards.</summary>
public static class SqlLike
{
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>A pattern matching values that contain <paramref name="text"/>.</summary>
    public static string Contains(string text) => "%" + Escape(text) + "%";
}
