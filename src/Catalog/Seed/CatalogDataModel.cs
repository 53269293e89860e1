namespace Bazaar.Catalog.Seed;

// The shape of generated demo and benchmark data; CatalogDataGenerator fills it, CatalogSeeder writes it.

public sealed record GeneratedCategory(Guid Id, Guid? ParentId, string Slug, string Name, int Position);

public sealed record GeneratedVariant(string Sku, IReadOnlyDictionary<string, string> Options, long Price, long? CompareAtPrice, int WeightGrams, int OnHand);

public sealed record GeneratedReview(Guid UserId, string AuthorName, int Rating, string Title, string Body, DateTimeOffset CreatedAt);

public sealed record GeneratedProduct(
    Guid Id,
    string Slug,
    string Name,
    string Description,
    string Brand,
    Guid CategoryId,
    IReadOnlyDictionary<string, string> Attributes,
    string Currency,
    IReadOnlyList<GeneratedVariant> Variants,
    IReadOnlyList<GeneratedReview> Reviews,
    int ImageCount,
    DateTimeOffset CreatedAt);
