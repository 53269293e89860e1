using System.Buffers;

namespace Bazaar.Catalog.Media;

/// <summary>The one rule for object keys, shared by every <see cref="IObjectStore"/>.</summary>
internal static class ObjectKeys
{
    /// <summary>S3's own limit (in UTF-8 bytes; keys here are ASCII, so characters).</summary>
    public const int MaxLength = 1024;

    // Keys double as file paths and URL paths, so only characters that are inert in both are allowed.
    static readonly SearchValues<char> SegmentChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>
    /// Accepts only relative keys made of <c>/</c>-separated segments of ASCII letters, digits, <c>-</c>, <c>_</c> and
    /// <c>.</c>, where no segment is empty or starts with a dot. That rules out absolute paths, <c>..</c>, backslashes,
    /// drive letters, control characters and NUL, and keeps the local store's dot-files out of reach.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not acceptable.</exception>
    public static void Validate(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxLength)
            throw new ArgumentException($"An object key is at most {MaxLength} characters.", nameof(key));
        foreach (var segment in key.AsSpan().Split('/'))
        {
            var part = key.AsSpan(segment);
            if (part.IsEmpty || part[0] == '.' || part.ContainsAnyExcept(SegmentChars))
                throw new ArgumentException(
                    "An object key is a relative path of '/'-separated segments of letters, digits, '-', '_' and '.', none empty or starting with '.'.",
                    nameof(key));
        }
    }
}
