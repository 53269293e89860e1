using Bazaar.Catalog.Caching;
using Bazaar.ServiceDefaults.Problems;
using Dapper;
using Npgsql;

namespace Bazaar.Catalog.Search;

public static class SearchApi
{
    const int MaxLimit = 100, DefaultLimit = 24, MaxTextLength = 200, MaxBrands = 20;

    public static void MapSearchApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/products").WithTags("Products").AllowAnonymous();
        group.MapGet("/", List);
        group.MapGet("/suggest", Suggest);
    }

    /// <summary>Browse and search active products with filters, facets and cursor paging; first pages are cached.</summary>
    static async Task<Results<Ok<ProductPage>, ValidationProblem>> List(
        ProductSearch search, CatalogCache cache, NpgsqlDataSource db, CancellationToken ct,
        string? q = null, string? category = null, string[]? brand = null, long? minPrice = null, long? maxPrice = null,
        decimal? minRating = null, bool inStock = false, string? sort = null, string? cursor = null, int limit = DefaultLimit)
    {
        var text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (text is { Length: > MaxTextLength })
            return Problem.Field("q", $"Search for at most {MaxTextLength} characters.");
        sort ??= text is null ? SortOrders.Newest : SortOrders.Relevance;
        if (!SortOrders.All.Contains(sort))
            return Problem.Field("sort", $"sort must be one of: {string.Join(", ", SortOrders.All)}.");
        if (sort == SortOrders.Relevance && text is null)
            return Problem.Field("sort", "Sorting by relevance needs a search text (q).");
        if (limit is < 1 or > MaxLimit)
            return Problem.Field("limit", $"limit must be between 1 and {MaxLimit}.");
        if (minPrice < 0)
            return Problem.Field("minPrice", "minPrice cannot be negative.");
        if (maxPrice < 0)
            return Problem.Field("maxPrice", "maxPrice cannot be negative.");
        if (minPrice > maxPrice)
            return Problem.Field("maxPrice", "maxPrice must not be below minPrice.");
        if (minRating is < 0 or > 5)
            return Problem.Field("minRating", "minRating must be between 0 and 5.");
        var brands = (brand ?? []).Where(b => !string.IsNullOrWhiteSpace(b)).Select(b => b.Trim()).Distinct().ToList();
        if (brands.Count > MaxBrands || brands.Any(b => b.Length > 100))
            return Problem.Field("brand", $"Filter by at most {MaxBrands} brands of at most 100 characters.");
        Cursor? after = null;
        if (cursor is not null && ((after = Cursor.Decode(cursor)) is null || after.Sort != sort || !ProductSearch.IsValidSortValue(sort, after.Value)))
            return Problem.Field("cursor", "The cursor is not valid for this query; use nextCursor from the previous page.");

        var categoryKey = string.IsNullOrWhiteSpace(category) ? null : category.Trim();
        var query = new ProductQuery(text, null, brands, minPrice, maxPrice, minRating, inStock, sort, after, limit);

        // The category (slug or id) is resolved to its path inside the load, so a cached first page costs no
        // database round trip. An unknown category loads null, which is never cached, and is answered with a 400.
        async Task<ProductPage?> LoadAsync(CancellationToken token)
        {
            if (categoryKey is null)
                return await search.SearchAsync(query, token);
            await using var connection = await db.OpenConnectionAsync(token);
            var path = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "select path from categories where slug = @categoryKey or id::text = @categoryKey", new { categoryKey }, cancellationToken: token));
            return path is null ? null : await search.SearchAsync(query with { CategoryPath = path }, token);
        }

        // Only first pages are cached: they are what most shoppers see, and deeper pages would flood the cache. A
        // category change bumps the listing generation, so a key naming the category rather than its path is safe.
        var page = after is null
            ? await cache.ListingAsync((query with { CategoryPath = categoryKey is null ? null : "category:" + categoryKey }).CacheKey, LoadAsync, ct)
            : await LoadAsync(ct);
        return page is null ? Problem.Field("category", $"There is no category '{categoryKey}'.") : TypedResults.Ok(page);
    }

    static async Task<Results<Ok<IReadOnlyList<Suggestion>>, ValidationProblem>> Suggest(ProductSearch search, CancellationToken ct, string? q = null)
    {
        var text = q?.Trim() ?? "";
        if (text.Length is < 2 or > 100)
            return Problem.Field("q", "Type 2 to 100 characters.");
        return TypedResults.Ok(await search.SuggestAsync(text, ct));
    }
}
