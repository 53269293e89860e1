using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Products;
using Bazaar.ServiceDefaults.Caching;

namespace Bazaar.Catalog.Caching;

/// <summary>
/// Catalog's cache keys and what invalidates them. Product detail (with availability) is dropped on any write to the
/// product, its variants, images, reviews or stock; the category tree on category writes; listing pages belong to a
/// generation that admin writes bump, are fresh for 30 seconds and then refreshed in the background (served stale
/// meanwhile), so stock moved by checkouts shows in listings within about that time.
/// </summary>
public sealed class CatalogCache(CacheAside cache)
{
    static readonly TimeSpan ProductTtl = TimeSpan.FromMinutes(10);
    static readonly TimeSpan SlugTtl = TimeSpan.FromHours(1);
    static readonly TimeSpan TreeTtl = TimeSpan.FromHours(1);
    static readonly TimeSpan ListingTtl = TimeSpan.FromSeconds(30);
    static readonly TimeSpan ListingServedStaleFor = TimeSpan.FromMinutes(5);
    const string ListingGeneration = "catalog:listings";

    public Task<IReadOnlyList<CategoryNode>?> CategoryTreeAsync(Func<CancellationToken, Task<IReadOnlyList<CategoryNode>?>> load, CancellationToken ct) =>
        cache.GetOrCreateAsync(CategoryTreeKey, TreeTtl, load, ct);

    /// <summary>Named for the shape it holds: a tree cached before categories carried versions must not be read as version 0.</summary>
    const string CategoryTreeKey = "catalog:categories:v2";

    /// <summary>
    /// The key of the release before, dropped too on every change, so that while both releases run a change made
    /// through a new pod reaches the old pods' tree. (A change made through an old pod during the rollout reaches the
    /// new pods' tree when it expires, within the hour.) Remove one release after the rollout.
    /// </summary>
    const string PreviousCategoryTreeKey = "catalog:categories";

    public Task<ProductDetail?> ProductAsync(Guid id, Func<CancellationToken, Task<ProductDetail?>> load, CancellationToken ct) =>
        cache.GetOrCreateAsync(ProductKey(id), ProductTtl, load, ct);

    public Task<SlugTarget?> SlugAsync(string slug, Func<CancellationToken, Task<SlugTarget?>> load, CancellationToken ct) =>
        cache.GetOrCreateAsync("catalog:slug:" + slug, SlugTtl, load, ct);

    public async Task<T?> ListingAsync<T>(string queryKey, Func<CancellationToken, Task<T?>> load, CancellationToken ct)
    {
        var generation = await cache.GenerationAsync(ListingGeneration, ct);
        return await cache.GetOrCreateAsync($"catalog:list:{generation}:{queryKey}", ListingTtl, load, ct, ListingServedStaleFor);
    }

    public async Task CategoriesChangedAsync(CancellationToken ct)
    {
        await cache.InvalidateAsync([CategoryTreeKey, PreviousCategoryTreeKey], ct);
        await cache.BumpGenerationAsync(ListingGeneration, ct);
    }

    /// <summary>After a write to products (details, variants, prices, images, reviews); old slugs are dropped too.</summary>
    public async Task ProductsChangedAsync(IEnumerable<Guid> ids, IEnumerable<string> slugs, CancellationToken ct)
    {
        await cache.InvalidateAsync([.. ids.Select(ProductKey), .. slugs.Select(s => "catalog:slug:" + s)], ct);
        await cache.BumpGenerationAsync(ListingGeneration, ct);
    }

    /// <summary>After stock moves (adjustments, reservations): availability on product pages must be current.</summary>
    public Task StockChangedAsync(IEnumerable<Guid> productIds, CancellationToken ct) =>
        cache.InvalidateAsync(productIds.Distinct().Select(ProductKey), ct);

    static string ProductKey(Guid id) => "catalog:product:" + id.ToString("N");
}

public sealed record SlugTarget(Guid Id);
