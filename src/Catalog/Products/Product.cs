namespace Bazaar.Catalog.Products;

public static class ProductStatus
{
    public const string Draft = "draft";
    public const string Active = "active";
    public const string Archived = "archived";
    public static readonly IReadOnlyList<string> All = [Draft, Active, Archived];
}

public sealed class Product
{
    public Guid Id { get; init; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Brand { get; set; } = "";
    public Guid CategoryId { get; set; }
    public string CategoryPath { get; set; } = "";
    public string Status { get; set; } = ProductStatus.Draft;
    public string Attributes { get; set; } = "{}";
    public string Currency { get; set; } = "EUR";
    public long MinPrice { get; set; }
    public long MaxPrice { get; set; }
    public long RatingSum { get; set; }
    public int RatingCount { get; set; }
    public decimal RatingAverage { get; private set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
    public List<Variant> Variants { get; init; } = [];
    public List<ProductImage> Images { get; init; } = [];
}

/// <summary>One purchasable form of a product; cart and order lines refer to its SKU.</summary>
public sealed class Variant
{
    public string Sku { get; init; } = "";
    public Guid ProductId { get; init; }
    public string Options { get; set; } = "{}";
    public long Price { get; set; }
    public long? CompareAtPrice { get; set; }
    public int WeightGrams { get; set; }
    public int Position { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class ProductImage
{
    public Guid Id { get; init; }
    public Guid ProductId { get; init; }
    public string StorageKey { get; init; } = "";
    public string ContentType { get; init; } = "";
    public int SizeBytes { get; init; }
    public string AltText { get; set; } = "";
    public int Position { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
