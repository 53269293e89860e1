using System.Text.Json;
using Bazaar.Catalog.Media;
using Bazaar.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace Bazaar.Catalog.Seed;

/// <summary>
/// Demo data (configuration section <c>Seed</c>): <c>Products</c> (default 1,000) from the deterministic generator,
/// with generated images unless <c>Images</c> is false. Runs only on an empty catalog, so it is safe to repeat.
/// Writes with binary COPY: 100,000 products load in seconds.
/// </summary>
public sealed class CatalogSeeder(NpgsqlDataSource db, IObjectStore store, IConfiguration configuration, ILogger<CatalogSeeder> logger) : ISeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var any = new NpgsqlCommand("select exists (select 1 from products)", connection))
            if ((bool)(await any.ExecuteScalarAsync(ct))!)
            {
                logger.LogInformation("Catalog already has products; not seeding");
                return;
            }

        var count = configuration.GetValue("Seed:Products", 1000);
        var withImages = configuration.GetValue("Seed:Images", true);
        var generator = new CatalogDataGenerator(configuration.GetValue("Seed:RandomSeed", 2026));
        var now = DateTimeOffset.UtcNow;

        var categories = generator.Categories();
        var paths = new Dictionary<Guid, string>();
        foreach (var c in categories) // parents come before their children
            paths[c.Id] = (c.ParentId is { } parent ? paths[parent] : "/") + c.Id.ToString("N") + "/";
        await using (var writer = await connection.BeginBinaryImportAsync(
            "copy categories (id, parent_id, slug, name, position, path, created_at, updated_at) from stdin (format binary)", ct))
        {
            foreach (var c in categories)
                await writer.WriteRowAsync(ct, c.Id, (object?)c.ParentId ?? DBNull.Value, c.Slug, c.Name, c.Position, paths[c.Id], now, now);
            await writer.CompleteAsync(ct);
        }

        var seeded = 0;
        foreach (var batch in generator.Products(count).Chunk(2_000))
        {
            await WriteBatchAsync(connection, batch, paths, withImages, ct);
            seeded += batch.Length;
            logger.LogInformation("Seeded {Seeded} of {Count} products", seeded, count);
        }
    }

    async Task WriteBatchAsync(NpgsqlConnection connection, GeneratedProduct[] products, Dictionary<Guid, string> paths, bool withImages, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var writer = await connection.BeginBinaryImportAsync("""
            copy products (id, slug, name, description, brand, category_id, category_path, status, attributes, currency, min_price, max_price,
                           rating_sum, rating_count, created_at, updated_at, version) from stdin (format binary)
            """, ct))
        {
            foreach (var p in products)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(p.Id, ct);
                await writer.WriteAsync(p.Slug, ct);
                await writer.WriteAsync(p.Name, ct);
                await writer.WriteAsync(p.Description, ct);
                await writer.WriteAsync(p.Brand, ct);
                await writer.WriteAsync(p.CategoryId, ct);
                await writer.WriteAsync(paths[p.CategoryId], ct);
                await writer.WriteAsync("active", ct);
                await writer.WriteAsync(JsonSerializer.Serialize(p.Attributes), NpgsqlDbType.Jsonb, ct);
                await writer.WriteAsync(p.Currency, NpgsqlDbType.Char, ct);
                await writer.WriteAsync(p.Variants.Min(v => v.Price), ct);
                await writer.WriteAsync(p.Variants.Max(v => v.Price), ct);
                await writer.WriteAsync((long)p.Reviews.Sum(r => r.Rating), ct);
                await writer.WriteAsync(p.Reviews.Count, ct);
                await writer.WriteAsync(p.CreatedAt, ct);
                await writer.WriteAsync(p.CreatedAt, ct);
                await writer.WriteAsync(1, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
            "copy variants (sku, product_id, options, price, compare_at_price, weight_grams, position, created_at, updated_at) from stdin (format binary)", ct))
        {
            foreach (var p in products)
                for (var i = 0; i < p.Variants.Count; i++)
                {
                    var v = p.Variants[i];
                    await writer.StartRowAsync(ct);
                    await writer.WriteAsync(v.Sku, ct);
                    await writer.WriteAsync(p.Id, ct);
                    await writer.WriteAsync(JsonSerializer.Serialize(v.Options), NpgsqlDbType.Jsonb, ct);
                    await writer.WriteAsync(v.Price, ct);
                    if (v.CompareAtPrice is { } compare)
                        await writer.WriteAsync(compare, ct);
                    else
                        await writer.WriteNullAsync(ct);
                    await writer.WriteAsync(v.WeightGrams, ct);
                    await writer.WriteAsync(i, ct);
                    await writer.WriteAsync(p.CreatedAt, ct);
                    await writer.WriteAsync(p.CreatedAt, ct);
                }
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
            "copy stock (sku, product_id, on_hand, reserved, low_stock_threshold, updated_at) from stdin (format binary)", ct))
        {
            foreach (var p in products)
                foreach (var v in p.Variants)
                    await writer.WriteRowAsync(ct, v.Sku, p.Id, v.OnHand, 0, 5, p.CreatedAt);
            await writer.CompleteAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
            "copy reviews (id, product_id, user_id, author_name, rating, title, body, verified_purchase, hidden, created_at, updated_at) from stdin (format binary)", ct))
        {
            foreach (var p in products)
                foreach (var r in p.Reviews)
                    await writer.WriteRowAsync(ct, Guid.CreateVersion7(r.CreatedAt), p.Id, r.UserId, r.AuthorName, r.Rating, r.Title, r.Body, false, false, r.CreatedAt, r.CreatedAt);
            await writer.CompleteAsync(ct);
        }
        if (withImages)
        {
            await using var writer = await connection.BeginBinaryImportAsync(
                "copy product_images (id, product_id, storage_key, content_type, size_bytes, alt_text, position, created_at) from stdin (format binary)", ct);
            foreach (var p in products)
                for (var i = 0; i < p.ImageCount; i++)
                {
                    var id = Guid.CreateVersion7(p.CreatedAt);
                    var key = $"products/{p.Id:N}/{id:N}.png";
                    var png = PngImage.Create(480, 480, (uint)(p.Id.GetHashCode() ^ (i * 7919)));
                    await store.PutAsync(key, new MemoryStream(png), "image/png", ct);
                    await writer.WriteRowAsync(ct, id, p.Id, key, "image/png", png.Length, $"{p.Name}, view {i + 1}", i, p.CreatedAt);
                }
            await writer.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
