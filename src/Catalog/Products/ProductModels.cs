using System.ComponentModel.DataAnnotations;

namespace Bazaar.Catalog.Products;

public sealed record CategoryRef(Guid Id, string Slug, string Name);

public sealed record VariantDto(string Sku, IReadOnlyDictionary<string, string> Options, long Price, long? CompareAtPrice, int WeightGrams, string Availability);

public sealed record ImageDto(Guid Id, string Url, string AltText, int Position);

public sealed record RatingDto(decimal Average, int Count);

/// <summary>A product page: everything the storefront shows, with availability per variant but no stock counts.</summary>
public sealed record ProductDetail(
    Guid Id, string Slug, string Name, string Description, string Brand, CategoryRef Category, IReadOnlyList<CategoryRef> Breadcrumbs,
    string Status, IReadOnlyDictionary<string, string> Attributes, string Currency, long MinPrice, long MaxPrice,
    RatingDto Rating, IReadOnlyList<VariantDto> Variants, IReadOnlyList<ImageDto> Images,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);

public sealed record SaveVariantRequest(
    [Required, MinLength(1), MaxLength(64)] string Sku,
    Dictionary<string, string>? Options,
    [Range(0, 100_000_000_00L)] long Price,
    [Range(0, 100_000_000_00L)] long? CompareAtPrice,
    [Range(0, 1_000_000)] int WeightGrams = 0,
    [Range(0, 1_000_000)] int InitialStock = 0,
    [Range(0, 1_000)] int Position = 0);

public sealed record CreateProductRequest(
    [Required, MinLength(1), MaxLength(200)] string Name,
    [MaxLength(Slugs.MaxLength)] string? Slug,
    [MaxLength(10_000)] string? Description,
    [MaxLength(100)] string? Brand,
    Guid CategoryId,
    [MaxLength(20)] string? Status,
    Dictionary<string, string>? Attributes,
    [Required, StringLength(3, MinimumLength = 3)] string Currency,
    [MaxLength(100)] IReadOnlyList<SaveVariantRequest>? Variants);

/// <summary>The version is the one the editor loaded; a stale version is refused with 409.</summary>
public sealed record UpdateProductRequest(
    [Required, MinLength(1), MaxLength(200)] string Name,
    [Required, MaxLength(Slugs.MaxLength)] string Slug,
    [MaxLength(10_000)] string? Description,
    [MaxLength(100)] string? Brand,
    Guid CategoryId,
    [Required, MaxLength(20)] string Status,
    Dictionary<string, string>? Attributes,
    int? Version);

/// <summary>
/// Replaces a variant's options, prices and weight. <see cref="Version"/> is the product's version the editor loaded (a
/// change made meanwhile is a 409, not overwritten); <see cref="Position"/> left out keeps the variant where it is.
/// </summary>
public sealed record UpdateVariantRequest(
    Dictionary<string, string>? Options,
    [Range(0, 100_000_000_00L)] long Price,
    [Range(0, 100_000_000_00L)] long? CompareAtPrice,
    int? Version,
    [Range(0, 1_000_000)] int WeightGrams = 0,
    [Range(0, 1_000)] int? Position = null);

public sealed record ProductSummary(
    Guid Id, string Slug, string Name, string Brand, Guid CategoryId, string Status, string Currency, long MinPrice, long MaxPrice,
    decimal RatingAverage, int RatingCount, string? ImageUrl, bool InStock, DateTimeOffset CreatedAt);

public sealed record AdminProductRow(Guid Id, string Slug, string Name, string Brand, string Status, string Currency, long MinPrice, long MaxPrice,
    int VariantCount, DateTimeOffset UpdatedAt, int Version);

public sealed record AdminProductPage(IReadOnlyList<AdminProductRow> Items, string? NextCursor);
