using Bazaar.ServiceDefaults.Data;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Bazaar.Catalog.Caching;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Search;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Catalog.Reviews;

public sealed record ReviewDto(Guid Id, Guid ProductId, string AuthorName, int Rating, string Title, string Body, bool VerifiedPurchase,
    bool Hidden, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ReviewPage(IReadOnlyList<ReviewDto> Items, string? NextCursor);

public sealed record WriteReviewRequest([Range(1, 5)] int Rating, [Required, MinLength(1), MaxLength(120)] string Title,
    [Required, MinLength(1), MaxLength(4000)] string Body, [MaxLength(60)] string? AuthorName);

public sealed record DeliveredPurchaseRequest(Guid UserId, Guid ProductId, Guid OrderId, DateTimeOffset? DeliveredAt);

public static class ReviewsApi
{
    static readonly string[] Sorts = ["newest", "highest", "lowest"];

    public static void MapReviewsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/products/{productId:guid}/reviews").WithTags("Reviews");
        group.MapGet("/", List).AllowAnonymous();
        group.MapPost("/", Create).RequireAuthorization(Policies.Customer);
        group.MapPut("/mine", UpdateMine).RequireAuthorization(Policies.Customer);
        group.MapDelete("/mine", DeleteMine).RequireAuthorization(Policies.Customer);

        var admin = routes.MapGroup("/api/v1/admin/reviews").WithTags("Admin: reviews").RequireAuthorization(Policies.Support);
        admin.MapGet("/", AdminList);
        admin.MapPost("/{id:guid}/hide", (Guid id, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct) => SetHidden(id, true, db, cache, clock, ct))
            .RequireAuthorization(Policies.Admin);
        admin.MapPost("/{id:guid}/restore", (Guid id, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct) => SetHidden(id, false, db, cache, clock, ct))
            .RequireAuthorization(Policies.Admin);

        routes.MapPost("/internal/delivered-purchases", RecordDelivery).WithTags("Internal").RequireAuthorization(Policies.Internal).ExcludeFromDescription();
    }

    static async Task<Results<Ok<ReviewPage>, ValidationProblem, ProblemHttpResult>> List(Guid productId, CatalogDb db, CancellationToken ct,
        string sort = "newest", string? cursor = null, int limit = 20)
    {
        if (!Sorts.Contains(sort))
            return Problem.Field("sort", $"sort must be one of: {string.Join(", ", Sorts)}.");
        if (limit is < 1 or > 100)
            return Problem.Field("limit", "limit must be between 1 and 100.");
        Cursor? after = null;
        if (cursor is not null && ((after = Cursor.Decode(cursor)) is null || after.Sort != sort || !long.TryParse(after.Value, CultureInfo.InvariantCulture, out _)))
            return Problem.Field("cursor", "The cursor is not valid for this query; use nextCursor from the previous page.");
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.Status == ProductStatus.Active, ct))
            return Problem.NotFound("There is no such product.");

        var query = db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && !r.Hidden);
        var value = after is null ? 0 : long.Parse(after.Value, CultureInfo.InvariantCulture);
        query = (sort, after) switch
        {
            ("highest", not null) => query.Where(r => r.Rating < value || (r.Rating == value && r.Id.CompareTo(after.Id) < 0)),
            ("lowest", not null) => query.Where(r => r.Rating > value || (r.Rating == value && r.Id.CompareTo(after.Id) > 0)),
            (_, not null) => query.Where(r => r.Id.CompareTo(after.Id) < 0),
            _ => query,
        };
        query = sort switch
        {
            "highest" => query.OrderByDescending(r => r.Rating).ThenByDescending(r => r.Id),
            "lowest" => query.OrderBy(r => r.Rating).ThenBy(r => r.Id),
            _ => query.OrderByDescending(r => r.Id), // ids are time-ordered (UUIDv7)
        };
        var rows = await query.Take(limit + 1).ToListAsync(ct);
        var page = rows.Take(limit).Select(ToDto).ToList();
        string? next = null;
        if (rows.Count > limit)
        {
            var last = rows[limit - 1];
            next = new Cursor(sort, sort == "newest" ? "0" : last.Rating.ToString(CultureInfo.InvariantCulture), last.Id).Encode();
        }
        return TypedResults.Ok(new ReviewPage(page, next));
    }

    static async Task<Results<Created<ReviewDto>, ValidationProblem, ProblemHttpResult>> Create(
        Guid productId, WriteReviewRequest request, ClaimsPrincipal user, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
            return invalid;
        var userId = user.UserId();
        if (!await db.Products.AnyAsync(p => p.Id == productId && p.Status == ProductStatus.Active, ct))
            return Problem.NotFound("There is no such product.");
        var now = clock.GetUtcNow();
        var verified = await db.Database.SqlQuery<bool>($"select exists (select 1 from delivered_purchases where user_id = {userId} and product_id = {productId}) as \"Value\"").SingleAsync(ct);
        var review = new Review
        {
            Id = Guid.CreateVersion7(now), ProductId = productId, UserId = userId, AuthorName = AuthorName(request, user), Rating = request.Rating,
            Title = request.Title.Trim(), Body = request.Body.Trim(), VerifiedPurchase = verified, CreatedAt = now, UpdatedAt = now,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Reviews.Add(review);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problem.Conflict("You have already reviewed this product; edit your review instead.");
        }
        await AdjustRatingAsync(db, productId, request.Rating, 1, ct);
        await transaction.CommitAsync(ct);
        // A delivery reported while this review was being written marked the reviews it could see, not this one: look
        // again now that it is stored (whichever of the two comes second sees the other).
        if (!verified)
            review.VerifiedPurchase = await db.Database.ExecuteSqlAsync($"""
                update reviews set verified_purchase = true
                where id = {review.Id}
                    and exists (select 1 from delivered_purchases where user_id = {userId} and product_id = {productId})
                """, ct) == 1;
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.Created($"/api/v1/products/{productId}/reviews/mine", ToDto(review));
    }

    static async Task<Results<Ok<ReviewDto>, ValidationProblem, ProblemHttpResult>> UpdateMine(
        Guid productId, WriteReviewRequest request, ClaimsPrincipal user, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
            return invalid;
        var userId = user.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var review = await db.Reviews.FromSql($"select * from reviews where product_id = {productId} and user_id = {userId} for update").SingleOrDefaultAsync(ct);
        if (review is null)
            return Problem.NotFound("You have not reviewed this product.");
        var delta = request.Rating - review.Rating;
        review.Rating = request.Rating;
        review.Title = request.Title.Trim();
        review.Body = request.Body.Trim();
        review.AuthorName = AuthorName(request, user);
        review.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (!review.Hidden && delta != 0)
            await AdjustRatingAsync(db, productId, delta, 0, ct);
        await transaction.CommitAsync(ct);
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.Ok(ToDto(review));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteMine(Guid productId, ClaimsPrincipal user, CatalogDb db, CatalogCache cache, CancellationToken ct)
    {
        var userId = user.UserId();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var review = await db.Reviews.FromSql($"select * from reviews where product_id = {productId} and user_id = {userId} for update").SingleOrDefaultAsync(ct);
        if (review is null)
            return Problem.NotFound("You have not reviewed this product.");
        db.Reviews.Remove(review);
        await db.SaveChangesAsync(ct);
        if (!review.Hidden)
            await AdjustRatingAsync(db, productId, -review.Rating, -1, ct);
        await transaction.CommitAsync(ct);
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<ReviewPage>, ValidationProblem>> AdminList(CatalogDb db, CancellationToken ct,
        bool? hidden = null, Guid? productId = null, string? cursor = null, int limit = 50)
    {
        if (NewestFirst.Read(cursor, limit, 200, out var paging) is { } badPage)
            return badPage;
        var query = db.Reviews.AsNoTracking();
        if (hidden is { } h)
            query = query.Where(r => r.Hidden == h);
        if (productId is { } p)
            query = query.Where(r => r.ProductId == p);
        var rows = await paging.Apply(query, r => r.Id).ToListAsync(ct);
        var (page, next) = paging.Cut(rows, r => r.Id, ToDto);
        return TypedResults.Ok(new ReviewPage(page, next));
    }

    static async Task<Results<Ok<ReviewDto>, ProblemHttpResult>> SetHidden(Guid id, bool hide, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var review = await db.Reviews.FromSql($"select * from reviews where id = {id} for update").SingleOrDefaultAsync(ct);
        if (review is null)
            return Problem.NotFound("There is no review with this id.");
        if (review.Hidden != hide)
        {
            review.Hidden = hide;
            review.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await AdjustRatingAsync(db, review.ProductId, hide ? -review.Rating : review.Rating, hide ? -1 : 1, ct);
        }
        await transaction.CommitAsync(ct);
        await cache.ProductsChangedAsync([review.ProductId], [], ct);
        return TypedResults.Ok(ToDto(review));
    }

    /// <summary>Ordering reports a delivered line; the customer's review of that product (now or later) is a verified purchase.</summary>
    static async Task<Results<NoContent, ValidationProblem>> RecordDelivery(DeliveredPurchaseRequest request, CatalogDb db, CatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (request.UserId == Guid.Empty)
            return Problem.Field("userId", "Give the customer's id.");
        if (request.ProductId == Guid.Empty)
            return Problem.Field("productId", "Give the product's id.");
        if (request.OrderId == Guid.Empty)
            return Problem.Field("orderId", "Give the order's id.");
        var deliveredAt = (request.DeliveredAt ?? clock.GetUtcNow()).ToUniversalTime();
        await db.Database.ExecuteSqlAsync($"""
            insert into delivered_purchases (user_id, product_id, order_id, delivered_at) values ({request.UserId}, {request.ProductId}, {request.OrderId}, {deliveredAt})
            on conflict do nothing
            """, ct);
        // Review pages are not cached and product pages carry only rating totals: nothing cached changes here.
        await db.Reviews.Where(r => r.UserId == request.UserId && r.ProductId == request.ProductId && !r.VerifiedPurchase)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.VerifiedPurchase, true), ct);
        return TypedResults.NoContent();
    }

    /// <summary>Sum and count move together in the caller's transaction; the average is computed by the database.</summary>
    static Task AdjustRatingAsync(CatalogDb db, Guid productId, int ratingDelta, int countDelta, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"update products set rating_sum = rating_sum + {ratingDelta}, rating_count = rating_count + {countDelta} where id = {productId}", ct);

    static ValidationProblem? Validate(WriteReviewRequest request) =>
        request.Rating is < 1 or > 5 ? Problem.Field("rating", "Rate from 1 to 5 stars.")
        : string.IsNullOrWhiteSpace(request.Title) ? Problem.Field("title", "Give your review a title.")
        : string.IsNullOrWhiteSpace(request.Body) ? Problem.Field("body", "Write a few words.")
        : null;


    /// <summary>The name the reviewer chose to show; never derived from the e-mail address, which stays private.</summary>
    static string AuthorName(WriteReviewRequest request, ClaimsPrincipal user) =>
        !string.IsNullOrWhiteSpace(request.AuthorName) ? request.AuthorName.Trim() : "Customer";

    static ReviewDto ToDto(Review r) => new(r.Id, r.ProductId, r.AuthorName, r.Rating, r.Title, r.Body, r.VerifiedPurchase, r.Hidden, r.CreatedAt, r.UpdatedAt);
}
