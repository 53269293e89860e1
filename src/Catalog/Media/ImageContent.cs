namespace Bazaar.Catalog.Media;

/// <summary>
/// Recognises the accepted image formats by their first bytes. Uploads are judged by content, never by file name or
/// the client's Content-Type, so a script renamed to <c>.png</c> is refused.
/// </summary>
public static class ImageContent
{
    /// <summary>How many leading bytes <see cref="DetectContentType"/> needs to tell every accepted format apart.</summary>
    public const int HeaderBytes = 12;

    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string WebP = "image/webp";

    static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <returns>The content type, or null when the bytes are not a JPEG, PNG or WebP image.</returns>
    public static string? DetectContentType(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(JpegMagic))
            return Jpeg;
        if (header.StartsWith(PngMagic))
            return Png;
        // A WebP file is a RIFF container whose form type, after the 4-byte size, is "WEBP".
        if (header.Length >= HeaderBytes && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
            return WebP;
        return null;
    }

    /// <summary>The file extension for a content type that <see cref="DetectContentType"/> returns.</summary>
    /// <exception cref="ArgumentException">Not an accepted image type.</exception>
    public static string ExtensionFor(string contentType) => contentType switch
    {
        Jpeg => ".jpg",
        Png => ".png",
        WebP => ".webp",
        _ => throw new ArgumentException($"'{contentType}' is not an accepted image type.", nameof(contentType)),
    };
}
