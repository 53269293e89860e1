using Bazaar.ServiceDefaults.Data;
using System.ComponentModel.DataAnnotations;
using Bazaar.Catalog.Caching;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Catalog.Categories;

public sealed record CategoryNode(Guid Id, Guid? ParentId, string Slug, string Name, int Position, int Version, IReadOnlyList<CategoryNode> Children);

/// <summary>A category as written. <see cref="Version"/> is required on an update: the version the editor loaded.</summary>
public sealed record SaveCategoryRequest(
    [Required, MinLength(1), MaxLength(100)] string Name,
    [MaxLength(Slugs.MaxLength)] string? Slug,
    Guid? ParentId,
    [Range(0, 10_000)] int Position = 0,
    int? Version = null);

public static class CategoriesApi
{
    public static void MapCategoriesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/categories", GetTree).WithTags("Categories").AllowAnonymous();

        var admin = routes.MapGroup("/api/v1/admin/categories").WithTags("Admin: categories").RequireAuthorization(Policies.Support);
        admin.MapGet("/", GetTree);
        admin.MapPost("/", Create).RequireAuthorization(Policies.Admin);
        admin.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Admin);
        admin.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Admin);
    }

    static async Task<Ok<IReadOnlyList<CategoryNode>>> GetTree(IServiceScopeFactory scopes, CatalogCache cache, CancellationToken ct) =>
        TypedResults.Ok(await cache.CategoryTreeAsync(async token =>
        {
            // The load is shared with concurrent requests and may outlive this one (a shopper who navigates away):
            // it needs a context of its own, not this request's, which is disposed when the request ends.
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CatalogDb>();
            var all = await db.Categories.AsNoTracking().OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(token);
            return Build(all, null);
        }, ct));

    static IReadOnlyList<CategoryNode> Build(List<Category> all, Guid? parent) =>
        [.. all.Where(c => c.ParentId == parent).Select(c => new CategoryNode(c.Id, c.ParentId, c.Slug, c.Name, c.Position, c.Version, Build(all, c.Id)))];

    static async Task<Results<Created<CategoryNode>, ValidationProblem, ProblemHttpResult>> Create(
        SaveCategoryRequest request, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        var slug = request.Slug ?? Slugs.From(request.Name);
        if (!Slugs.IsValid(slug))
            return Problem.Field("slug", Slugs.Rule("running-shoes", request.Slug));
        Category? parent = null;
        if (request.ParentId is { } parentId && (parent = await db.Categories.FindAsync([parentId], ct)) is null)
            return Problem.Field("parentId", "There is no category with this id.");
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        if (Category.DepthOf(Category.PathFor(parent, id)) is var depth && depth > Category.MaxDepth)
            return Problem.Field("parentId", Category.TooDeep(depth));
        var category = new Category
        {
            Id = id, ParentId = parent?.Id, Slug = slug, Name = request.Name.Trim(), Position = request.Position,
            Path = Category.PathFor(parent, id), CreatedAt = now, UpdatedAt = now,
        };
        db.Categories.Add(category);
        if (await SaveUniqueAsync(db, ct) is { } conflict)
            return conflict;
        await cache.CategoriesChangedAsync(ct);
        return TypedResults.Created($"/api/v1/admin/categories/{id}", new CategoryNode(id, category.ParentId, slug, category.Name, category.Position, category.Version, []));
    }

    /// <summary>
    /// Renames, re-slugs, reorders or moves a category; a move carries its whole subtree and their products. The
    /// categories involved are locked first, so two opposite moves cannot build a cycle between them. The request
    /// replaces name, parent and position, so it must come from the category as it is: its version is checked.
    /// </summary>
    static async Task<Results<Ok<CategoryNode>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, SaveCategoryRequest request, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (request.Version is not { } version)
            return Problem.VersionMissing();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        Guid[] involved = request.ParentId is { } p ? [id, p] : [id];
        var locked = await db.Categories.FromSql($"select * from categories where id = any({involved}) order by id for update").ToListAsync(ct);
        var category = locked.FirstOrDefault(c => c.Id == id);
        if (category is null)
            return Problem.NotFound("There is no category with this id.");
        if (category.Version != version)
            return Problem.StaleVersion("category", category.Version);
        // Only a slug sent is checked: the current one stays as it is (it may predate today's rules).
        if (request.Slug is { } sent && !Slugs.IsValid(sent))
            return Problem.Field("slug", Slugs.Rule("running-shoes"));
        var slug = request.Slug ?? category.Slug;
        Category? parent = null;
        if (request.ParentId is { } parentId)
        {
            parent = locked.FirstOrDefault(c => c.Id == parentId);
            if (parent is null)
                return Problem.Field("parentId", "There is no category with this id.");
            if (parent.Path.StartsWith(category.Path, StringComparison.Ordinal))
                return Problem.Field("parentId", "A category cannot move under itself or one of its subcategories.");
        }

        var oldPath = category.Path;
        var newPath = Category.PathFor(parent, category.Id);
        if (newPath != oldPath)
        {
            // The subtree moves with it: its deepest category must stay within the limit.
            var deepest = await db.Categories.Where(c => c.Path.StartsWith(oldPath)).OrderByDescending(c => c.Path.Length).Select(c => c.Path).FirstAsync(ct);
            var depth = Category.DepthOf(newPath) + Category.DepthOf(deepest) - Category.DepthOf(oldPath);
            if (depth > Category.MaxDepth)
                return Problem.Field("parentId", Category.TooDeep(depth));
        }
        category.Name = request.Name.Trim();
        category.Slug = slug;
        category.Position = request.Position;
        category.ParentId = parent?.Id;
        category.UpdatedAt = clock.GetUtcNow();
        category.Version = version + 1;
        if (await SaveUniqueAsync(db, ct) is { } conflict)
            return conflict;
        if (newPath != oldPath)
        {
            // One statement each for the subtree and its products: the prefix is replaced, the rest kept.
            await db.Database.ExecuteSqlAsync($"update categories set path = {newPath} || substr(path, {oldPath.Length + 1}) where path like {oldPath + "%"}", ct);
            await db.Database.ExecuteSqlAsync($"update products set category_path = {newPath} || substr(category_path, {oldPath.Length + 1}) where category_path like {oldPath + "%"}", ct);
        }
        await transaction.CommitAsync(ct);

        // Product pages show the category's name, slug and breadcrumbs: drop those of every product under it.
        var affected = await db.Products.AsNoTracking().Where(p => p.CategoryPath.StartsWith(newPath)).Select(p => p.Id).ToListAsync(ct);
        foreach (var batch in affected.Chunk(1000))
            await cache.ProductsChangedAsync(batch, [], ct);
        await cache.CategoriesChangedAsync(ct);
        return TypedResults.Ok(new CategoryNode(category.Id, category.ParentId, category.Slug, category.Name, category.Position, category.Version, []));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, CatalogDb db, CatalogCache cache, CancellationToken ct)
    {
        var category = await db.Categories.FindAsync([id], ct);
        if (category is null)
            return Problem.NotFound("There is no category with this id.");
        if (await db.Categories.AnyAsync(c => c.ParentId == id, ct))
            return Problem.Conflict("Move or delete its subcategories first.");
        if (await db.Products.AnyAsync(p => p.CategoryId == id, ct))
            return Problem.Conflict("Move its products to another category first.");
        db.Categories.Remove(category);
        await db.SaveChangesAsync(ct);
        await cache.CategoriesChangedAsync(ct);
        return TypedResults.NoContent();
    }

    static async Task<ProblemHttpResult?> SaveUniqueAsync(CatalogDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problem.Conflict("Another category already uses this slug.");
        }
    }
}
