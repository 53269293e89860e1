using System.Security.Claims;
using System.Text.Json;
using Bazaar.Catalog.Caching;
using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Inventory;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.Products;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Catalog.Products;

public static class ProductsApi
{
    const int MaxOptions = 10, MaxAttributes = 50, MaxKeyLength = 50, MaxValueLength = 200;

    public static void MapProductsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/products/{idOrSlug}", GetProduct).WithTags("Products").AllowAnonymous();

        var admin = routes.MapGroup("/api/v1/admin/products").WithTags("Admin: products").RequireAuthorization(Policies.Support);
        admin.MapGet("/", ListAll);
        admin.MapGet("/{id:guid}", GetAnyProduct);
        admin.MapPost("/", Create).RequireAuthorization(Policies.Admin);
        admin.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Admin);
        admin.MapDelete("/{id:guid}", Archive).RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/variants", AddVariant).RequireAuthorization(Policies.Admin);
        admin.MapPut("/{id:guid}/variants/{sku}", UpdateVariant).RequireAuthorization(Policies.Admin);
        admin.MapDelete("/{id:guid}/variants/{sku}", DeleteVariant).RequireAuthorization(Policies.Admin);
    }

    /// <summary>Shoppers see active products only; drafts and archived ones do not exist for them.</summary>
    static async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> GetProduct(string idOrSlug, ProductReader reader, CancellationToken ct) =>
        await reader.FindAsync(idOrSlug, ct) is { Status: ProductStatus.Active } product
            ? TypedResults.Ok(product)
            : Problem.NotFound("There is no such product.");

    /// <summary>The back office's list: every status, newest first, optionally filtered by status and name.</summary>
    static async Task<Results<Ok<AdminProductPage>, ValidationProblem>> ListAll(CatalogDb db, CancellationToken ct,
        string? status = null, string? q = null, string? cursor = null, int limit = 50)
    {
        if (status is not null && !ProductStatus.All.Contains(status))
            return Problem.Field("status", $"status must be one of: {string.Join(", ", ProductStatus.All)}.");
        if (NewestFirst.Read(cursor, limit, 200, out var paging) is { } badPage)
            return badPage;
        if (q is { Length: > 200 })
            return Problem.Field("q", "Search for at most 200 characters.");
        var query = db.Products.AsNoTracking();
        if (status is not null)
            query = query.Where(p => p.Status == status);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = SqlLike.Contains(q.Trim());
            query = query.Where(p => EF.Functions.ILike(p.Name, pattern) || EF.Functions.ILike(p.Slug, pattern));
        }
        var rows = await paging.Apply(query, p => p.Id)
            .Select(p => new AdminProductRow(p.Id, p.Slug, p.Name, p.Brand, p.Status, p.Currency, p.MinPrice, p.MaxPrice, p.Variants.Count, p.UpdatedAt, p.Version))
            .ToListAsync(ct);
        var (page, next) = paging.Cut(rows, p => p.Id, p => p);
        return TypedResults.Ok(new AdminProductPage(page, next));
    }

    static async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> GetAnyProduct(Guid id, ProductReader reader, CancellationToken ct) =>
        await reader.LoadAsync(id, ct) is { } product ? TypedResults.Ok(product) : Problem.NotFound("There is no such product.");

    static async Task<Results<Created<ProductDetail>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProductRequest request, ClaimsPrincipal admin, CatalogDb db, ProductReader reader, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        var slug = request.Slug ?? Slugs.From(request.Name);
        var status = request.Status ?? ProductStatus.Draft;
        if (Validate(slug, request.Slug, status, request.Attributes, request.Currency) is { } invalid)
            return invalid;
        var category = await db.Categories.FindAsync([request.CategoryId], ct);
        if (category is null)
            return Problem.Field("categoryId", "There is no category with this id.");
        var variants = request.Variants ?? [];
        if (status == ProductStatus.Active && variants.Count == 0)
            return Problem.Field("variants", "An active product needs at least one variant.");
        for (var i = 0; i < variants.Count; i++)
        {
            if (variants[i] is null)
                return Problem.Field($"variants[{i}]", "Each variant needs a SKU and a price; this one is empty.");
            if (ValidateVariant(variants[i].Sku, variants[i].Options, variants[i].Price, variants[i].CompareAtPrice, $"variants[{i}].") is { } bad)
                return bad;
        }
        if (variants.GroupBy(v => v.Sku).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            return Problem.Field("variants", $"SKU {repeated.Key} appears twice.");

        var now = clock.GetUtcNow();
        var product = new Product
        {
            Id = Guid.CreateVersion7(now), Slug = slug, Name = request.Name.Trim(), Description = request.Description?.Trim() ?? "",
            Brand = request.Brand?.Trim() ?? "", CategoryId = category.Id, CategoryPath = category.Path, Status = status,
            Attributes = JsonSerializer.Serialize(request.Attributes ?? []), Currency = request.Currency,
            MinPrice = variants.Count == 0 ? 0 : variants.Min(v => v.Price), MaxPrice = variants.Count == 0 ? 0 : variants.Max(v => v.Price),
            CreatedAt = now, UpdatedAt = now,
        };
        db.Products.Add(product);
        foreach (var v in variants)
        {
            product.Variants.Add(NewVariant(product.Id, v, now));
            db.Stock.Add(new StockItem { Sku = v.Sku, ProductId = product.Id, OnHand = v.InitialStock, UpdatedAt = now });
            if (v.InitialStock > 0)
                db.StockAdjustments.Add(InitialAdjustment(v.Sku, v.InitialStock, admin, now));
        }
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        await cache.ProductsChangedAsync([product.Id], [slug], ct);
        return TypedResults.Created($"/api/v1/admin/products/{product.Id}", (await reader.LoadAsync(product.Id, ct))!);
    }

    static async Task<Results<Ok<ProductDetail>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, UpdateProductRequest request, CatalogDb db, ProductReader reader, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (Validate(request.Slug, request.Slug, request.Status, request.Attributes, null) is { } invalid)
            return invalid;
        if (request.Version is not { } version)
            return Problem.VersionMissing();
        var product = await db.Products.Include(p => p.Variants).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
            return Problem.NotFound("There is no such product.");
        if (version != product.Version)
            return Problem.StaleVersion("product", product.Version);
        var category = await db.Categories.FindAsync([request.CategoryId], ct);
        if (category is null)
            return Problem.Field("categoryId", "There is no category with this id.");
        if (request.Status == ProductStatus.Active && product.Variants.Count == 0)
            return Problem.Field("status", "An active product needs at least one variant.");

        var oldSlug = product.Slug;
        product.Name = request.Name.Trim();
        product.Slug = request.Slug;
        product.Description = request.Description?.Trim() ?? "";
        product.Brand = request.Brand?.Trim() ?? "";
        product.CategoryId = category.Id;
        product.CategoryPath = category.Path;
        product.Status = request.Status;
        product.Attributes = JsonSerializer.Serialize(request.Attributes ?? []);
        Touch(db, product, version, clock);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        reader.ForgetSlugs([oldSlug, product.Slug]);
        await cache.ProductsChangedAsync([id], [oldSlug, product.Slug], ct);
        return TypedResults.Ok((await reader.LoadAsync(id, ct))!);
    }

    /// <summary>Products are archived, never deleted: orders and reviews keep pointing at them.</summary>
    static async Task<Results<NoContent, ProblemHttpResult>> Archive(Guid id, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        var product = await db.Products.FindAsync([id], ct);
        if (product is null)
            return Problem.NotFound("There is no such product.");
        product.Status = ProductStatus.Archived;
        Touch(db, product, product.Version, clock);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        await cache.ProductsChangedAsync([id], [product.Slug], ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Created<ProductDetail>, ValidationProblem, ProblemHttpResult>> AddVariant(
        Guid id, SaveVariantRequest request, ClaimsPrincipal admin, CatalogDb db, ProductReader reader, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateVariant(request.Sku, request.Options, request.Price, request.CompareAtPrice, "") is { } invalid)
            return invalid;
        var product = await db.Products.Include(p => p.Variants).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
            return Problem.NotFound("There is no such product.");
        if (product.Variants.Any(v => v.Sku == request.Sku))
            return Problem.Conflict("This SKU is already in use.");
        var now = clock.GetUtcNow();
        product.Variants.Add(NewVariant(id, request, now));
        db.Stock.Add(new StockItem { Sku = request.Sku, ProductId = id, OnHand = request.InitialStock, UpdatedAt = now });
        if (request.InitialStock > 0)
            db.StockAdjustments.Add(InitialAdjustment(request.Sku, request.InitialStock, admin, now));
        RecomputePrices(product);
        Touch(db, product, product.Version, clock);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        await cache.ProductsChangedAsync([id], [], ct);
        return TypedResults.Created($"/api/v1/admin/products/{id}", (await reader.LoadAsync(id, ct))!);
    }

    static async Task<Results<Ok<ProductDetail>, ValidationProblem, ProblemHttpResult>> UpdateVariant(
        Guid id, string sku, UpdateVariantRequest request, CatalogDb db, ProductReader reader, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (ValidateVariant(sku, request.Options, request.Price, request.CompareAtPrice, "") is { } invalid)
            return invalid;
        if (request.Version is not { } version)
            return Problem.VersionMissing();
        var product = await db.Products.Include(p => p.Variants).FirstOrDefaultAsync(p => p.Id == id, ct);
        var variant = product?.Variants.FirstOrDefault(v => v.Sku == sku);
        if (product is null || variant is null)
            return Problem.NotFound("This product has no variant with this SKU.");
        if (product.Version != version)
            return Problem.StaleVersion("product", product.Version);
        variant.Options = JsonSerializer.Serialize(request.Options ?? []);
        variant.Price = request.Price;
        variant.CompareAtPrice = request.CompareAtPrice;
        variant.WeightGrams = request.WeightGrams;
        variant.Position = request.Position ?? variant.Position;
        variant.UpdatedAt = clock.GetUtcNow();
        RecomputePrices(product);
        Touch(db, product, version, clock);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        await cache.ProductsChangedAsync([id], [], ct);
        return TypedResults.Ok((await reader.LoadAsync(id, ct))!);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteVariant(
        Guid id, string sku, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        var product = await db.Products.Include(p => p.Variants).FirstOrDefaultAsync(p => p.Id == id, ct);
        var variant = product?.Variants.FirstOrDefault(v => v.Sku == sku);
        if (product is null || variant is null)
            return Problem.NotFound("This product has no variant with this SKU.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Hold the stock row so no reservation can slip in between this check and the delete.
        var reserved = await db.Database.SqlQuery<int>($"select reserved as \"Value\" from stock where sku = {sku} for update").ToListAsync(ct);
        if (reserved is [> 0])
            return Problem.Conflict("Units of this variant are reserved by orders in checkout; try again once they settle.");
        if (product.Status == ProductStatus.Active && product.Variants.Count == 1)
            return Problem.Conflict("An active product needs at least one variant; archive the product instead.");
        product.Variants.Remove(variant);
        db.Variants.Remove(variant);
        RecomputePrices(product);
        Touch(db, product, product.Version, clock);
        if (await SaveAsync(db, ct) is { } conflict)
            return conflict;
        await transaction.CommitAsync(ct);
        await cache.ProductsChangedAsync([id], [], ct);
        return TypedResults.NoContent();
    }

    /// <summary>Every change bumps the version, checked against the one the editor loaded (optimistic concurrency).</summary>
    static void Touch(CatalogDb db, Product product, int expectedVersion, TimeProvider clock)
    {
        db.Entry(product).Property(p => p.Version).OriginalValue = expectedVersion;
        product.Version = expectedVersion + 1;
        product.UpdatedAt = clock.GetUtcNow();
    }

    static void RecomputePrices(Product product)
    {
        product.MinPrice = product.Variants.Count == 0 ? 0 : product.Variants.Min(v => v.Price);
        product.MaxPrice = product.Variants.Count == 0 ? 0 : product.Variants.Max(v => v.Price);
    }

    static Variant NewVariant(Guid productId, SaveVariantRequest v, DateTimeOffset now) => new()
    {
        Sku = v.Sku, ProductId = productId, Options = JsonSerializer.Serialize(v.Options ?? []), Price = v.Price,
        CompareAtPrice = v.CompareAtPrice, WeightGrams = v.WeightGrams, Position = v.Position, CreatedAt = now, UpdatedAt = now,
    };

    static StockAdjustment InitialAdjustment(string sku, int units, ClaimsPrincipal admin, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), Sku = sku, Delta = units, OnHandAfter = units, Reason = "initial stock",
        Actor = admin.ActorId(), CreatedAt = now,
    };

    /// <param name="slug">the slug to store</param>
    /// <param name="sentSlug">the one the request sent: null when the slug was made from the name</param>
    static ValidationProblem? Validate(string slug, string? sentSlug, string status, Dictionary<string, string>? attributes, string? currency)
    {
        if (!Slugs.IsValid(slug))
            return Problem.Field("slug", Slugs.Rule("trail-runner-2", sentSlug));
        if (!ProductStatus.All.Contains(status))
            return Problem.Field("status", $"status must be one of: {string.Join(", ", ProductStatus.All)}.");
        if (currency is not null && !Currencies.IsSupported(currency))
            return Problem.Field("currency", $"Use an ISO 4217 code Bazaar supports: {string.Join(", ", Currencies.Supported)}.");
        return ValidateMap(attributes, "attributes", MaxAttributes);
    }

    static ValidationProblem? ValidateVariant(string sku, Dictionary<string, string>? options, long price, long? compareAt, string prefix)
    {
        if (!Skus.IsValid(sku))
            return Problem.Field(prefix + "sku", "A SKU is 1–64 upper-case letters, digits, dashes or dots, like 'RUN-42-BLK'.");
        if (price < 0)
            return Problem.Field(prefix + "price", "The price cannot be negative.");
        if (compareAt is { } c && c <= price)
            return Problem.Field(prefix + "compareAtPrice", "The compare-at price must be higher than the price.");
        return ValidateMap(options, prefix + "options", MaxOptions);
    }

    static ValidationProblem? ValidateMap(Dictionary<string, string>? map, string field, int max)
    {
        if (map is null)
            return null;
        if (map.Count > max)
            return Problem.Field(field, $"At most {max} entries.");
        if (map.Any(p => p.Key.Length is 0 or > MaxKeyLength || p.Value is null || p.Value.Length > MaxValueLength))
            return Problem.Field(field, $"Names are 1–{MaxKeyLength} characters, values at most {MaxValueLength}.");
        // Values are checked with every string of the body; names are dictionary keys, which that check does not see.
        if (map.Keys.Any(k => SafeStringConverter.Refusal(k) is not null))
            return Problem.Field(field, "Names must be text without NUL characters.");
        return null;
    }

    static async Task<ProblemHttpResult?> SaveAsync(CatalogDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Products.AsNoTracking().Where(p => p.Id == ((Product)db.ChangeTracker.Entries<Product>().First().Entity).Id).Select(p => p.Version).FirstOrDefaultAsync(ct);
            return Problem.StaleVersion("product", current);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation(out var constraint))
        {
            return Problem.Conflict(constraint switch
            {
                "products_slug" => "Another product already uses this slug.",
                "variants_pkey" or "stock_pkey" => "This SKU is already in use.",
                _ => "This conflicts with an existing record.",
            });
        }
    }
}
