using System.Net.Http.Json;
using Bazaar.ServiceDefaults.Http;

namespace Bazaar.Cart.Carts;

public sealed record PricedSku(string Sku, Guid ProductId, string ProductName, string ProductSlug, IReadOnlyDictionary<string, string> Options,
    long Price, string Currency, int WeightGrams, int Available, string Availability, bool Purchasable);

public sealed record PricingResponse(IReadOnlyList<PricedSku> Items, IReadOnlyList<string> Unknown);

/// <summary>Current prices and availability from the catalog; the cart never keeps a price of its own.</summary>
public sealed class CatalogClient(HttpClient http, ILogger<CatalogClient> logger)
{
    /// <returns>The prices, or null when catalog gave no answer (down, too slow, failing, or turning the cart's service
    /// token away: <see cref="ServiceClients.IsNoAnswer"/>): the cart is then shown unpriced. A refusal of the request
    /// itself (one it finds malformed) is a fault here, and thrown.</returns>
    public async Task<PricingResponse?> PriceAsync(IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        if (skus.Count == 0)
            return new PricingResponse([], []);
        using var request = new HttpRequestMessage(HttpMethod.Post, "internal/pricing") { Content = JsonContent.Create(new { skus }) };
        request.Options.Set(ResilienceHandler.ReadOnly, true);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return (await response.Content.ReadFromJsonAsync<PricingResponse>(ct))!;
            if (!ServiceClients.IsNoAnswer(response.StatusCode))
                throw new InvalidOperationException($"Catalog refused a pricing request with {(int)response.StatusCode}.");
            logger.LogWarning("Catalog answered {Status} to a pricing request; the cart is shown without prices", (int)response.StatusCode);
        }
        catch (Exception e) when (ServiceClients.IsNoAnswer(e, ct))
        {
            logger.LogWarning("Catalog did not answer a pricing request ({Reason}); the cart is shown without prices", e.Message);
        }
        return null;
    }
}
