using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Problems;
using Bazaar.ServiceDefaults.Products;
using Bazaar.ServiceDefaults.RateLimiting;

namespace Bazaar.Cart.Carts;

public sealed record CartLineDto(string Sku, int Quantity, Guid? ProductId, string? Name, string? Slug, IReadOnlyDictionary<string, string> Options,
    long? UnitPrice, long? LineTotal, string? Currency, string Availability, bool Purchasable, string? Problem);

/// <summary>The cart as the shopper sees it, priced now. <see cref="CartId"/> is set for guests: send it back as the Cart-Id header.</summary>
public record CartDto(Guid? CartId, IReadOnlyList<CartLineDto> Lines, string? Currency, long Subtotal, int ItemCount, bool ReadyForCheckout);

/// <summary>The customer's cart after a merge, and the guest lines left out of it: it already held the most different items a cart may.</summary>
public sealed record MergedCartDto(Guid? CartId, IReadOnlyList<CartLineDto> Lines, string? Currency, long Subtotal, int ItemCount, bool ReadyForCheckout,
    IReadOnlyList<CartLine> LeftOut) : CartDto(CartId, Lines, Currency, Subtotal, ItemCount, ReadyForCheckout);

public sealed record SetQuantityRequest([Range(1, CartStore.MaxQuantity)] int Quantity);

public sealed record MergeRequest(Guid CartId);

public sealed record InternalCartDto(Guid UserId, IReadOnlyList<CartLine> Lines);

/// <summary>The lines of an order just confirmed, to take out of the customer's cart.</summary>
/// <param name="OrderId">The order: its lines leave the cart once, however often this is sent. Ordering before this release
/// sends none (those are taken out every time); required once that release is gone.</param>
public sealed record OrderedRequest(Guid? OrderId, IReadOnlyList<CartLine>? Lines);

public static class CartApi
{
    public const string CartIdHeader = "Cart-Id";

    public static void MapCartRoutes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/cart").WithTags("Cart").AllowAnonymous().RequireRateLimiting(RateLimits.Api);
        group.MapGet("/", Get);
        group.MapPut("/items/{sku}", SetQuantity);
        group.MapDelete("/items/{sku}", Remove);
        group.MapDelete("/", Clear);

        // Outside the anonymous group: AllowAnonymous on a group would override the customer policy of its routes.
        routes.MapPost("/api/v1/cart/merge", Merge).WithTags("Cart").RequireAuthorization(Policies.Customer).RequireRateLimiting(RateLimits.Api);

        var internalApi = routes.MapGroup("/internal/carts").WithTags("Internal").RequireAuthorization(Policies.Internal).ExcludeFromDescription();
        internalApi.MapGet("/{userId:guid}", (Guid userId, CartStore store, CancellationToken ct) => GetInternal(userId, store, ct));
        // Ordering before this release clears the whole cart; kept for one release so a rolling deploy loses nothing.
        internalApi.MapDelete("/{userId:guid}", async (Guid userId, CartStore store, CancellationToken ct) =>
        {
            await store.ClearAsync(new CartOwner(userId, IsGuest: false), ct);
            return TypedResults.NoContent();
        });
        internalApi.MapPost("/{userId:guid}/ordered", async Task<Results<NoContent, ValidationProblem>> (Guid userId, OrderedRequest request, CartStore store, CancellationToken ct) =>
        {
            if (request.OrderId is { } orderId && orderId == Guid.Empty)
                return Problem.Field("orderId", "Send the order's id: its lines leave the cart once.");
            if (request.Lines is not { } lines || lines.Any(l => l is null || !Skus.IsValid(l.Sku) || l.Quantity is < 1 or > CartStore.MaxQuantity))
                return Problem.Field("lines", $"Send the ordered lines: a SKU and a quantity from 1 to {CartStore.MaxQuantity} each.");
            await store.RemoveOrderedAsync(new CartOwner(userId, IsGuest: false), request.OrderId, lines, ct);
            return TypedResults.NoContent();
        });
    }

    static async Task<Results<Ok<CartDto>, ValidationProblem>> Get(HttpContext http, ClaimsPrincipal user, CartStore store, CatalogClient catalog, CancellationToken ct)
    {
        var owner = Owner(http, user, create: false, out var invalid);
        if (invalid is not null)
            return invalid;
        if (owner is not { } o)
            return TypedResults.Ok(new CartDto(null, [], null, 0, 0, false));
        return TypedResults.Ok(await PriceAsync(o, await store.GetAsync(o, ct), catalog, ct));
    }

    /// <summary>Sets a line's quantity (1–99). The body carries the quantity only: a price a client sends is never read.</summary>
    static async Task<Results<Ok<CartDto>, ValidationProblem, ProblemHttpResult>> SetQuantity(
        string sku, SetQuantityRequest request, HttpContext http, ClaimsPrincipal user, CartStore store, CatalogClient catalog, CancellationToken ct)
    {
        if (request.Quantity is < 1 or > CartStore.MaxQuantity)
            return Problem.Field("quantity", $"Choose a quantity from 1 to {CartStore.MaxQuantity}.");
        if (!Skus.IsValid(sku))
            return Problem.Field("sku", "This is not a SKU.");
        var owner = Owner(http, user, create: true, out var invalid);
        if (invalid is not null)
            return invalid;
        // One pricing call answers both questions: is the new item for sale, and what does the whole cart cost now.
        var skus = (await store.GetAsync(owner!.Value, ct)).Select(l => l.Sku).Append(sku).Distinct(StringComparer.Ordinal).ToList();
        var priced = await catalog.PriceAsync(skus, ct);
        if (priced is null)
            return Problem.Unavailable("The catalog did not answer, so the item was not added (its price and stock could not be checked). Try again in a moment.");
        if (priced.Items.FirstOrDefault(p => p.Sku == sku) is not { Purchasable: true })
            return Problem.Status(StatusCodes.Status422UnprocessableEntity, "Not for sale", "This item does not exist or is no longer sold.");
        var set = await store.SetAsync(owner.Value, sku, request.Quantity, mustExist: owner.Value.IsGuest && NamedByClient(http), ct);
        if (set.Outcome == SetOutcome.NoSuchCart)
        {
            // An id this service never gave out, or a cart that expired or was merged: a new cart, with a new id, so
            // nobody chooses the id of a cart someone else may fill.
            owner = NewGuestCart(http);
            set = await store.SetAsync(owner.Value, sku, request.Quantity, mustExist: false, ct);
        }
        if (set.Outcome == SetOutcome.Full)
            return Problem.Conflict($"A cart holds at most {CartStore.MaxLines} different items.");
        var lines = set.Lines;
        // The answer is the cart as it is after the write: a line another request added meanwhile is priced too.
        if (lines.Any(l => !skus.Contains(l.Sku, StringComparer.Ordinal)))
            priced = await catalog.PriceAsync([.. lines.Select(l => l.Sku)], ct);
        return TypedResults.Ok(Render(owner.Value, lines, priced));
    }

    static async Task<Results<Ok<CartDto>, ValidationProblem>> Remove(string sku, HttpContext http, ClaimsPrincipal user, CartStore store, CatalogClient catalog, CancellationToken ct)
    {
        if (!Skus.IsValid(sku))
            return Problem.Field("sku", "This is not a SKU.");
        var owner = Owner(http, user, create: false, out var invalid);
        if (invalid is not null)
            return invalid;
        if (owner is not { } o)
            return TypedResults.Ok(new CartDto(null, [], null, 0, 0, false));
        return TypedResults.Ok(await PriceAsync(o, await store.RemoveAsync(o, sku, ct), catalog, ct));
    }

    static async Task<Results<NoContent, ValidationProblem>> Clear(HttpContext http, ClaimsPrincipal user, CartStore store, CancellationToken ct)
    {
        var owner = Owner(http, user, create: false, out var invalid);
        if (invalid is not null)
            return invalid;
        if (owner is { } o)
            await store.ClearAsync(o, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// At sign-in: the guest cart's lines are added to the customer's (quantities add, capped at 99) and leave the guest
    /// cart. Guest lines that would take the cart past its 100 different items are left out and named in the answer;
    /// they stay in the guest cart, so the same merge sent again names them again.
    /// </summary>
    static async Task<Results<Ok<MergedCartDto>, ValidationProblem>> Merge(MergeRequest request, ClaimsPrincipal user, CartStore store, CatalogClient catalog, CancellationToken ct)
    {
        if (request.CartId == Guid.Empty)
            return Problem.Field("cartId", "Send the guest cart's id.");
        var owner = new CartOwner(UserId(user)!.Value, IsGuest: false);
        var leftOut = await store.MergeAsync(new CartOwner(request.CartId, IsGuest: true), owner, ct);
        var cart = await PriceAsync(owner, await store.GetAsync(owner, ct), catalog, ct);
        return TypedResults.Ok(new MergedCartDto(cart.CartId, cart.Lines, cart.Currency, cart.Subtotal, cart.ItemCount, cart.ReadyForCheckout, leftOut));
    }

    static async Task<Ok<InternalCartDto>> GetInternal(Guid userId, CartStore store, CancellationToken ct) =>
        TypedResults.Ok(new InternalCartDto(userId, await store.GetAsync(new CartOwner(userId, IsGuest: false), ct)));

    static async Task<CartDto> PriceAsync(CartOwner owner, IReadOnlyList<CartLine> lines, CatalogClient catalog, CancellationToken ct) =>
        Render(owner, lines, await catalog.PriceAsync([.. lines.Select(l => l.Sku)], ct));

    /// <summary>What a line says while catalog does not answer: the cart and its changes stand, its prices are not known.</summary>
    const string Unpriced = "The price and stock cannot be shown right now; try again in a moment.";

    /// <param name="pricing">catalog's answer; null when it gave none: the lines are shown without prices, and the cart
    /// cannot go to checkout until they have them.</param>
    static CartDto Render(CartOwner owner, IReadOnlyList<CartLine> lines, PricingResponse? pricing)
    {
        if (pricing is null)
            return new CartDto(owner.IsGuest ? owner.Id : null, [.. lines.Select(line => new CartLineDto(line.Sku, line.Quantity, null, null, null,
                new Dictionary<string, string>(), null, null, null, "unknown", false, Unpriced))], null, 0, lines.Sum(l => l.Quantity), ReadyForCheckout: false);
        var priced = pricing.Items.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        // One currency per cart: the one most of its lines that can be bought are priced in (then most lines at all,
        // then the earlier line); the lines in another are flagged. Lines no longer sold do not outvote those that are.
        var currency = lines.Select((line, i) => (Item: priced.GetValueOrDefault(line.Sku), i)).Where(c => c.Item is not null)
            .GroupBy(c => c.Item!.Currency).OrderByDescending(g => g.Count(c => c.Item!.Purchasable && c.Item.Available > 0))
            .ThenByDescending(g => g.Count()).ThenBy(g => g.Min(c => c.i)).Select(g => g.Key).FirstOrDefault();
        var dtos = lines.Select(line =>
        {
            if (!priced.TryGetValue(line.Sku, out var p))
                return new CartLineDto(line.Sku, line.Quantity, null, null, null, new Dictionary<string, string>(), null, null, null, "out_of_stock", false,
                    "This item is no longer sold.");
            var problem = !p.Purchasable ? "This item is no longer sold."
                : p.Available <= 0 ? "Out of stock."
                : p.Available < line.Quantity ? $"Only {p.Available} left."
                : p.Currency != currency ? "Priced in another currency." : null;
            return new CartLineDto(line.Sku, line.Quantity, p.ProductId, p.ProductName, p.ProductSlug, p.Options, p.Price, p.Price * line.Quantity, p.Currency,
                p.Availability, p.Purchasable, problem);
        }).ToList();
        var subtotal = dtos.Where(d => d.Currency == currency && d.LineTotal is not null).Sum(d => d.LineTotal!.Value);
        return new CartDto(owner.IsGuest ? owner.Id : null, dtos, currency, subtotal, dtos.Sum(d => d.Quantity),
            ReadyForCheckout: dtos.Count > 0 && dtos.All(d => d.Problem is null));
    }

    /// <summary>
    /// A signed-in customer's own cart; otherwise the guest cart named by the Cart-Id header, or a new one when
    /// <paramref name="create"/> (its id is returned in the body and the Cart-Id response header).
    /// </summary>
    static CartOwner? Owner(HttpContext http, ClaimsPrincipal user, bool create, out ValidationProblem? invalid)
    {
        invalid = null;
        if (UserId(user) is { } userId)
            return new CartOwner(userId, IsGuest: false);
        string? header = http.Request.Headers[CartIdHeader];
        if (!string.IsNullOrEmpty(header))
        {
            if (!Guid.TryParse(header, out var cartId) || cartId == Guid.Empty)
            {
                invalid = Problem.Field(CartIdHeader, "The Cart-Id header must be the id this service gave you.");
                return null;
            }
            http.Response.Headers[CartIdHeader] = cartId.ToString();
            return new CartOwner(cartId, IsGuest: true);
        }
        return create ? NewGuestCart(http) : null;
    }

    static bool NamedByClient(HttpContext http) => !string.IsNullOrEmpty(http.Request.Headers[CartIdHeader]);

    static CartOwner NewGuestCart(HttpContext http)
    {
        var created = Guid.NewGuid(); // random, not time-ordered: a guest cart id is a bearer secret
        http.Response.Headers[CartIdHeader] = created.ToString();
        return new CartOwner(created, IsGuest: true);
    }

    static Guid? UserId(ClaimsPrincipal user) => Policies.IsPerson(user) ? user.TryGetUserId() : null;

}
