using System.Net.Http.Json;

namespace Bazaar.Cart.Carts;

public sealed record PricedSku(string Sku, Guid ProductId, string ProductName, string ProductSlug, IReadOnlyDictionary<string, string> Options,
    long Price, string Currency, int WeightGrams, int Available, string Availability, bool Purchasable);

public sealed record PricingResponse(IReadOnlyList<PricedSku> Items, IReadOnlyList<string> Unknown);

/// <summary>Current prices and availability from the catalog; the cart never keeps a price of its own.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public async Task<PricingResponse> PriceAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        if (skus.Count == 0)
            return new PricingResponse([], []);
        using var response = await http.PostAsJsonAsync("internal/pricing", new { skus }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PricingResponse>(ct))!;
    }
}
