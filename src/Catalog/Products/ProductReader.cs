using System.Text.Json;
using Bazaar.Catalog.Caching;
using Bazaar.Catalog.Inventory;
using Bazaar.Catalog.Media;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bazaar.Catalog.Products;

/// <summary>Reads product pages in one round trip (product, breadcrumbs, variants with stock, images), through the cache.</summary>
public sealed class ProductReader(NpgsqlDataSource db, CatalogCache cache, IOptions<MediaOptions> media, IMemoryCache local)
{
    /// <summary>Slugs almost never change; keeping their ids in memory saves a Redis round trip on every product page.
    /// A renamed slug can resolve on another replica for at most this long; the product itself is never stale.</summary>
    static readonly TimeSpan LocalSlugTtl = TimeSpan.FromMinutes(1);

    public async Task<ProductDetail?> FindAsync(string idOrSlug, CancellationToken ct)
    {
        if (Guid.TryParse(idOrSlug, out var parsed))
            return await cache.ProductAsync(parsed, token => LoadAsync(parsed, token), ct);
        if (local.TryGetValue("slug:" + idOrSlug, out Guid known))
        {
            // Trust the remembered id only if the product still has this slug (it may have been renamed meanwhile).
            if (await cache.ProductAsync(known, token => LoadAsync(known, token), ct) is { } product && product.Slug == idOrSlug)
                return product;
            local.Remove("slug:" + idOrSlug);
        }
        if (!Slugs.IsValid(idOrSlug))
            return null;
        var id = (await cache.SlugAsync(idOrSlug, async token =>
        {
            await using var connection = await db.OpenConnectionAsync(token);
            var found = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition("select id from products where slug = @idOrSlug", new { idOrSlug }, cancellationToken: token));
            return found is { } f ? new SlugTarget(f) : null;
        }, ct))?.Id;
        if (id is not { } target)
            return null;
        local.Set("slug:" + idOrSlug, target, LocalSlugTtl);
        return await cache.ProductAsync(target, token => LoadAsync(target, token), ct);
    }

    public async Task<ProductDetail?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            select p.id, p.slug, p.name, p.description, p.brand, p.category_id, c.slug as category_slug, c.name as category_name,
                   p.category_path, p.status, p.attributes::text as attributes, p.currency, p.min_price, p.max_price,
                   p.rating_average, p.rating_count, p.created_at, p.updated_at, p.version
            from products p join categories c on c.id = p.category_id where p.id = @id;
            select c.id, c.slug, c.name from categories c join products p on p.id = @id
            where p.category_path like c.path || '%' order by length(c.path);
            select v.sku, v.options::text as options, v.price, v.compare_at_price, v.weight_grams,
                   coalesce(s.on_hand - s.reserved, 0) as available, coalesce(s.low_stock_threshold, 0) as low_stock_threshold
            from variants v left join stock s on s.sku = v.sku where v.product_id = @id order by v.position, v.sku;
            select id, storage_key, alt_text, position from product_images where product_id = @id order by position, created_at;
            """, new { id }, cancellationToken: ct));
        var row = await results.ReadSingleOrDefaultAsync<ProductRow>();
        if (row is null)
            return null;
        var crumbs = (await results.ReadAsync<CategoryRef>()).ToList();
        var variants = (await results.ReadAsync<VariantRow>()).Select(v => new VariantDto(v.Sku, ParseMap(v.Options), v.Price, v.Compare_At_Price, v.Weight_Grams,
            Availability.Of(v.Available, v.Low_Stock_Threshold))).ToList();
        var images = (await results.ReadAsync<ImageRow>()).Select(i => new ImageDto(i.Id, ImageUrl(i.Storage_Key), i.Alt_Text, i.Position)).ToList();
        return new ProductDetail(row.Id, row.Slug, row.Name, row.Description, row.Brand, new CategoryRef(row.Category_Id, row.Category_Slug, row.Category_Name), crumbs,
            row.Status, ParseMap(row.Attributes), row.Currency, row.Min_Price, row.Max_Price, new RatingDto(row.Rating_Average, row.Rating_Count),
            variants, images, new DateTimeOffset(row.Created_At, TimeSpan.Zero), new DateTimeOffset(row.Updated_At, TimeSpan.Zero), row.Version);
    }

    /// <summary>Forgets slugs this replica resolved (after a slug change here).</summary>
    public void ForgetSlugs(IEnumerable<string> slugs)
    {
        foreach (var slug in slugs)
            local.Remove("slug:" + slug);
    }

    public string ImageUrl(string storageKey) => media.Value.PublicBaseUrl.TrimEnd('/') + "/" + storageKey;

    internal static IReadOnlyDictionary<string, string> ParseMap(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    // Column names as PostgreSQL returns them; Dapper matches them to these parameter names.
#pragma warning disable IDE1006
    sealed record ProductRow(Guid Id, string Slug, string Name, string Description, string Brand, Guid Category_Id, string Category_Slug, string Category_Name,
        string Category_Path, string Status, string Attributes, string Currency, long Min_Price, long Max_Price, decimal Rating_Average, int Rating_Count,
        DateTime Created_At, DateTime Updated_At, int Version);

    sealed record VariantRow(string Sku, string Options, long Price, long? Compare_At_Price, int Weight_Grams, int Available, int Low_Stock_Threshold);

    sealed record ImageRow(Guid Id, string Storage_Key, string Alt_Text, int Position);
#pragma warning restore IDE1006
}
