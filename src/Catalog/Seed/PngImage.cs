using System.Buffers.Binary;
using System.IO.Compression;

namespace Bazaar.Catalog.Seed;

/// <summary>
/// Encodes small placeholder product images by hand (8-bit RGB, no interlace), so seeding needs neither an imaging
/// library nor the network. The same seed always gives the same bytes.
/// </summary>
public static class PngImage
{
    public const int MaxSide = 4096;

    static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>A diagonal two-colour gradient whose colours are derived from <paramref name="seed"/>.</summary>
    public static byte[] Create(int width, int height, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // colour type: RGB
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method: adaptive (each row says which filter it uses)
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, CompressPixels(width, height, seed));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    static byte[] CompressPixels(int width, int height, uint seed)
    {
        var (from, to) = Palette(seed);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + 3 * width]; // row[0] stays 0: filter "None"
            var steps = Math.Max(1, width + height - 2);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var t = x + y;
                    var i = 1 + 3 * x;
                    row[i] = Mix(from.R, to.R, t, steps);
                    row[i + 1] = Mix(from.G, to.G, t, steps);
                    row[i + 2] = Mix(from.B, to.B, t, steps);
                }
                zlib.Write(row);
            }
        }
        return compressed.ToArray();
    }

    static byte Mix(byte from, byte to, int t, int steps) => (byte)(from + (to - from) * t / steps);

    /// <summary>Two soft colours a little apart on the colour wheel, so each product looks different but calm.</summary>
    static ((byte R, byte G, byte B) From, (byte R, byte G, byte B) To) Palette(uint seed)
    {
        // Scramble the seed so neighbouring seeds (product 1, 2, 3 …) land far apart on the wheel.
        var h = seed * 0x9E3779B1u;
        h ^= h >> 15;
        h *= 0x85EBCA77u;
        h ^= h >> 13;
        var hue = (int)(h % 360);
        var shift = 35 + (int)((h >> 16) % 50);
        return (FromHsl(hue, 0.55, 0.68), FromHsl((hue + shift) % 360, 0.60, 0.48));
    }

    static (byte R, byte G, byte B) FromHsl(int hue, double saturation, double lightness)
    {
        var chroma = (1 - Math.Abs(2 * lightness - 1)) * saturation;
        var sector = hue / 60.0;
        var x = chroma * (1 - Math.Abs(sector % 2 - 1));
        var (r, g, b) = (hue / 60) switch
        {
            0 => (chroma, x, 0.0),
            1 => (x, chroma, 0.0),
            2 => (0.0, chroma, x),
            3 => (0.0, x, chroma),
            4 => (x, 0.0, chroma),
            _ => (chroma, 0.0, x),
        };
        var m = lightness - chroma / 2;
        return (ToByte(r + m), ToByte(g + m), ToByte(b + m));
    }

    static byte ToByte(double channel) => (byte)Math.Clamp(Math.Round(channel * 255), 0, 255);

    static void WriteChunk(Stream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(type);
        png.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(type, data));
        png.Write(number);
    }

    static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = Update(0xFFFFFFFFu, type);
        crc = Update(crc, data);
        return crc ^ 0xFFFFFFFFu;

        static uint Update(uint state, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
                state = CrcTable[(state ^ b) & 0xFF] ^ (state >> 8);
            return state;
        }
    }

    /// <summary>The standard CRC-32 (reflected polynomial 0xEDB88320) lookup table, as the PNG spec gives it.</summary>
    static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
