using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Bazaar.Catalog.Media;
using Bazaar.Catalog.Seed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.Catalog.Tests;

public sealed class LocalFileObjectStoreTests : IDisposable
{
    readonly string _temp = Directory.CreateTempSubdirectory("bazaar-media-").FullName;
    readonly string _root;
    readonly LocalFileObjectStore _store;

    public LocalFileObjectStoreTests()
    {
        // A root below the temp folder, so an escape would land somewhere this test can see.
        _root = Path.Combine(_temp, "media");
        _store = new LocalFileObjectStore(Options.Create(new MediaOptions { Root = _root }));
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    const string Key = "products/0199a3b2-7c1d-7e4f-8a5b-6c7d8e9f0a1b/0199a3b2-7c1d-7e4f-8a5b-000000000001.png";

    [Fact]
    public async Task An_object_round_trips_with_its_content_type_and_is_gone_after_delete()
    {
        var bytes = PngImage.Create(4, 3, seed: 7);
        await _store.PutAsync(Key, new MemoryStream(bytes), "image/png", default);

        var stored = await ReadAsync(Key);
        stored.Bytes.ShouldBe(bytes);
        stored.ContentType.ShouldBe("image/png");
        stored.Length.ShouldBe(bytes.Length);
        File.Exists(Path.Combine(_root, "products", "0199a3b2-7c1d-7e4f-8a5b-6c7d8e9f0a1b", "0199a3b2-7c1d-7e4f-8a5b-000000000001.png")).ShouldBeTrue();

        await _store.DeleteAsync(Key, default);
        (await _store.GetAsync(Key, default)).ShouldBeNull();
        Directory.GetFiles(_root, "*", SearchOption.AllDirectories).ShouldBeEmpty(); // the sidecar went too
    }

    [Fact]
    public async Task Putting_again_replaces_content_and_type_and_leaves_no_temp_files()
    {
        await _store.PutAsync(Key, new MemoryStream(Encoding.ASCII.GetBytes("first version, longer")), "image/png", default);
        await _store.PutAsync(Key, new MemoryStream(Encoding.ASCII.GetBytes("second")), "image/webp", default);

        var stored = await ReadAsync(Key);
        Encoding.ASCII.GetString(stored.Bytes).ShouldBe("second");
        stored.ContentType.ShouldBe("image/webp");
        stored.Length.ShouldBe(6);
        Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_put_that_fails_midway_keeps_the_previous_object_whole()
    {
        await _store.PutAsync(Key, new MemoryStream(Encoding.ASCII.GetBytes("intact")), "image/png", default);

        await Should.ThrowAsync<IOException>(() => _store.PutAsync(Key, new BrokenStream(), "image/png", default));

        Encoding.ASCII.GetString((await ReadAsync(Key)).Bytes).ShouldBe("intact");
        Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task Getting_a_missing_object_returns_null()
    {
        (await _store.GetAsync("products/none/none.png", default)).ShouldBeNull();
        await _store.PutAsync(Key, new MemoryStream([1, 2, 3]), "image/png", default);
        (await _store.GetAsync(Key.Replace("001.png", "002.png"), default)).ShouldBeNull();
    }

    [Fact]
    public async Task Deleting_a_missing_object_is_fine()
    {
        await _store.DeleteAsync("products/none/none.png", default);
        Directory.CreateDirectory(_root);
        await _store.DeleteAsync("none.png", default);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("..\\x")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("C:/x")]
    [InlineData("a/.b.png.type")]
    public async Task Keys_that_could_escape_the_root_or_reach_sidecars_are_refused(string key)
    {
        // async lambdas, so a refusal counts whether a method throws at once or returns a faulted task
        await Should.ThrowAsync<ArgumentException>(async () => await _store.PutAsync(key, new MemoryStream([1]), "image/png", default));
        await Should.ThrowAsync<ArgumentException>(async () => await _store.GetAsync(key, default));
        await Should.ThrowAsync<ArgumentException>(async () => await _store.DeleteAsync(key, default));
        File.Exists(Path.Combine(_temp, "x")).ShouldBeFalse();
        File.Exists(Path.Combine(_temp, "b")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_overlong_key_is_refused()
    {
        var key = string.Join('/', Enumerable.Repeat("abcdefghij", 100)); // 1,099 characters
        await Should.ThrowAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1]), "image/png", default));
    }

    sealed record Read(byte[] Bytes, string ContentType, long Length);

    async Task<Read> ReadAsync(string key)
    {
        var stored = await _store.GetAsync(key, default) ?? throw new ShouldAssertException($"{key} is missing from the store");
        await using var content = stored.Content;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return new Read(copy.ToArray(), stored.ContentType, stored.Length);
    }

    /// <summary>Yields some bytes, then fails like a dropped upload connection.</summary>
    sealed class BrokenStream : Stream
    {
        bool _served;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_served)
                throw new IOException("connection reset");
            _served = true;
            buffer.AsSpan(offset, Math.Min(count, 5)).Fill((byte)'x');
            return Math.Min(count, 5);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class MediaSetupTests
{
    static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddMediaStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public void The_local_store_is_the_default_and_reads_its_root_from_configuration()
    {
        var root = Path.Combine(Path.GetTempPath(), "bazaar-media-setup-test");
        using var services = Build(new() { ["Media:Root"] = root });
        services.GetRequiredService<IObjectStore>().ShouldBeOfType<LocalFileObjectStore>();
        services.GetRequiredService<IOptions<MediaOptions>>().Value.Root.ShouldBe(root);
    }

    [Fact]
    public void S3_is_chosen_by_configuration()
    {
        var services = new ServiceCollection().AddMediaStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Media:Store"] = "s3",
            ["Media:S3Bucket"] = "bazaar-media",
            ["Media:S3Region"] = "eu-central-1",
        }).Build());
        // Not resolved: building an S3 client looks for AWS credentials, which a test machine need not have.
        services.Single(d => d.ServiceType == typeof(IObjectStore)).ImplementationType.ShouldBe(typeof(S3ObjectStore));
    }

    [Fact]
    public void S3_without_a_bucket_or_an_unknown_store_fails_at_start_up()
    {
        Should.Throw<InvalidOperationException>(() => Build(new() { ["Media:Store"] = "s3" }))
            .Message.ShouldContain("S3Bucket");
        Should.Throw<InvalidOperationException>(() => Build(new() { ["Media:Store"] = "ftp" }))
            .Message.ShouldContain("ftp");
    }
}

public sealed class ImageContentTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01 }, "image/jpeg", ".jpg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D }, "image/png", ".png")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50 }, "image/webp", ".webp")]
    public void Images_are_recognised_by_their_first_bytes(byte[] header, string contentType, string extension)
    {
        ImageContent.DetectContentType(header).ShouldBe(contentType);
        ImageContent.ExtensionFor(contentType).ShouldBe(extension);
    }

    [Fact]
    public void A_generated_png_is_recognised()
    {
        ImageContent.DetectContentType(PngImage.Create(2, 2, seed: 1).AsSpan(0, ImageContent.HeaderBytes)).ShouldBe("image/png");
    }

    [Theory]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00 })] // GIF89a
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45 })] // RIFF….WAVE
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42 })]       // WebP cut short
    [InlineData(new byte[] { 0xFF, 0xD8 })]                                                             // JPEG cut short
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A })]                               // PNG cut short
    [InlineData(new byte[0])]
    public void Other_bytes_are_not_images(byte[] header)
    {
        ImageContent.DetectContentType(header).ShouldBeNull();
    }

    [Fact]
    public void A_text_file_named_like_an_image_is_not_an_image()
    {
        ImageContent.DetectContentType("<script>alert(1)</script>.png"u8).ShouldBeNull();
    }

    [Fact]
    public void Only_image_types_have_an_extension()
    {
        Should.Throw<ArgumentException>(() => ImageContent.ExtensionFor("text/html"));
    }
}

public sealed class PngImageTests
{
    static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 48)]
    public void The_image_is_a_valid_rgb_png_of_the_requested_size(int width, int height)
    {
        var png = PngImage.Create(width, height, seed: 42);

        png.AsSpan(0, 8).ToArray().ShouldBe(Signature);
        var chunks = Chunks(png);
        chunks.Select(c => c.Type).ShouldBe(["IHDR", "IDAT", "IEND"]);

        var header = chunks[0].Data;
        header.Length.ShouldBe(13);
        BinaryPrimitives.ReadInt32BigEndian(header).ShouldBe(width);
        BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)).ShouldBe(height);
        header[8..].ShouldBe(new byte[] { 8, 2, 0, 0, 0 }); // 8-bit, RGB, deflate, standard filters, no interlace

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var scanlines = inflated.ToArray();
        scanlines.Length.ShouldBe(height * (1 + 3 * width));
        for (var y = 0; y < height; y++)
            scanlines[y * (1 + 3 * width)].ShouldBe((byte)0, $"filter byte of row {y}");
    }

    [Fact]
    public void Every_chunk_crc_verifies()
    {
        var png = PngImage.Create(33, 17, seed: 5);
        foreach (var chunk in Chunks(png))
            chunk.StoredCrc.ShouldBe(BitwiseCrc32([.. Encoding.ASCII.GetBytes(chunk.Type), .. chunk.Data]), chunk.Type);
        // The IEND chunk is always the same twelve bytes.
        png[^12..].ShouldBe(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 });
    }

    [Fact]
    public void The_test_crc_is_the_standard_crc32()
    {
        BitwiseCrc32("123456789"u8.ToArray()).ShouldBe(0xCBF43926u);
    }

    [Fact]
    public void The_seed_alone_decides_the_bytes()
    {
        PngImage.Create(20, 10, seed: 3).ShouldBe(PngImage.Create(20, 10, seed: 3));
        PngImage.Create(20, 10, seed: 3).ShouldNotBe(PngImage.Create(20, 10, seed: 4));
    }

    [Fact]
    public void The_gradient_runs_between_two_different_colours()
    {
        const int width = 16, height = 16;
        var png = PngImage.Create(width, height, seed: 9);
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(Chunks(png)[1].Data), CompressionMode.Decompress))
            zlib.CopyTo(inflated);
        var pixels = inflated.ToArray();
        var first = pixels.AsSpan(1, 3).ToArray();
        var last = pixels.AsSpan(pixels.Length - 3, 3).ToArray();
        first.ShouldNotBe(last);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-1, 10)]
    [InlineData(4097, 10)]
    [InlineData(10, 4097)]
    public void Sizes_outside_1_to_4096_are_refused(int width, int height)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => PngImage.Create(width, height, seed: 1));
    }

    sealed record Chunk(string Type, byte[] Data, uint StoredCrc);

    static List<Chunk> Chunks(byte[] png)
    {
        var chunks = new List<Chunk>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>CRC-32 one bit at a time, independent of the production lookup table.</summary>
    static uint BitwiseCrc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
