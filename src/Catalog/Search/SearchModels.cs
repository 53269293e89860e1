using Bazaar.Catalog.Products;

namespace Bazaar.Catalog.Search;

public sealed record CategoryFacet(Guid Id, string Slug, string Name, int Count);

public sealed record ValueFacet(string Value, int Count);

/// <summary>A price band in minor units: [Min, Max), Max null for the top band.</summary>
public sealed record PriceFacet(long Min, long? Max, int Count);

/// <summary>Counts for the current filters; each list adds up to <see cref="ProductPage.Total"/>.</summary>
public sealed record Facets(IReadOnlyList<CategoryFacet> Categories, IReadOnlyList<ValueFacet> Brands, IReadOnlyList<PriceFacet> Prices, IReadOnlyList<ValueFacet> Ratings);

public sealed record ProductPage(IReadOnlyList<ProductSummary> Items, string? NextCursor, int Total, Facets Facets);

public sealed record Suggestion(string Name, string Slug);

public static class SortOrders
{
    public const string Relevance = "relevance", Newest = "newest", PriceAsc = "price_asc", PriceDesc = "price_desc", Rating = "rating";
    public static readonly IReadOnlyList<string> All = [Relevance, Newest, PriceAsc, PriceDesc, Rating];
}

/// <summary>A validated listing query; <see cref="CacheKey"/> names it for the listing cache.</summary>
public sealed record ProductQuery(
    string? Text, string? CategoryPath, IReadOnlyList<string> Brands, long? MinPrice, long? MaxPrice, decimal? MinRating, bool InStock,
    string Sort, Cursor? After, int Limit)
{
    /// <summary>A hash of the whole query as JSON: no two different queries can share a cached page.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string CacheKey => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(this)));
}
