using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Http;

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
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/pricing") { Content = JsonContent.Create(new { skus }) };
        request.Options.Set(ResilienceHandler.ReadOnly, true);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PricingResponse>(ct))!;
    }
}
