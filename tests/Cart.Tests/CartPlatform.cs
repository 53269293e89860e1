extern alias cart;
extern alias catalog;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bazaar.Testing;
using Xunit;

namespace Bazaar.Cart.Tests;

public sealed class CatalogHost : ServiceFactory<catalog::Program>
{
    readonly string _media = Directory.CreateTempSubdirectory("bazaar-cart-media-").FullName;
    protected override string ServiceName => "catalog";
    protected override void Configure(IDictionary<string, string?> settings) => settings["Media:Root"] = _media;
}

/// <summary>The cart service; with <paramref name="privateRedis"/> on a Redis of its own, which a test may fill or stop.</summary>
public sealed class CartHost(bool privateRedis = false) : ServiceFactory<cart::Program>
{
    protected override string ServiceName => "cart";
    protected override bool UsePrivateRedis => privateRedis;
}

/// <summary>Cart and the catalog it prices from, talking HTTP in process, trusting one test signing key.</summary>
public class CartPlatform : IAsyncLifetime
{
    public CartPlatform() : this(privateRedis: false) { }

    protected CartPlatform(bool privateRedis) => Cart = new CartHost(privateRedis);

    public TestTokens Tokens { get; } = new();
    public CatalogHost Catalog { get; } = new();
    public CartHost Cart { get; }

    /// <summary>While true, the cart's calls to catalog fail as if catalog were down.</summary>
    public bool CatalogDown { get; set; }

    /// <summary>While set, catalog answers the cart's calls with this status (and no body) instead of serving them.</summary>
    public HttpStatusCode? CatalogAnswers { get; set; }

    sealed class Answering(HttpMessageHandler inner, Func<HttpStatusCode?> status) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            status() is { } answer ? Task.FromResult(new HttpResponseMessage(answer)) : base.SendAsync(request, ct);
    }

    public async Task InitializeAsync()
    {
        Catalog.Tokens = Tokens;
        Cart.Tokens = Tokens;
        Cart.Peers["catalog"] = () => new Answering(new Outage(Catalog.Server.CreateHandler(), _ => CatalogDown), () => CatalogAnswers);
        await Catalog.InitializeAsync();
        await Cart.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Cart).DisposeAsync();
        await ((IAsyncLifetime)Catalog).DisposeAsync();
    }

    public HttpClient CartClient(string? token = null, Guid? cartId = null)
    {
        var client = Cart.CreateClient();
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (cartId is not null)
            client.DefaultRequestHeaders.Add("Cart-Id", cartId.ToString());
        return client;
    }

    public HttpClient CatalogAdmin()
    {
        var client = Catalog.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.ForUser(Guid.NewGuid(), "admin"));
        return client;
    }

    /// <summary>An active product with the given SKUs, priced and stocked.</summary>
    public Task<Guid> ProductAsync(string name, params (string Sku, long Price, int Stock)[] variants) => ProductAsync(name, "EUR", variants);

    public async Task<Guid> ProductAsync(string name, string currency, params (string Sku, long Price, int Stock)[] variants)
    {
        var admin = CatalogAdmin();
        var category = await (await admin.PostAsJsonAsync("/api/v1/admin/categories", new { name = "Cat " + Guid.NewGuid().ToString("N")[..8] }))
            .ShouldBeOkAsync<IdOnly>(System.Net.HttpStatusCode.Created);
        var product = await (await admin.PostAsJsonAsync("/api/v1/admin/products", new
        {
            name, categoryId = category.Id, status = "active", currency,
            variants = variants.Select(v => new { sku = v.Sku, price = v.Price, initialStock = v.Stock }),
        })).ShouldBeOkAsync<IdOnly>(System.Net.HttpStatusCode.Created);
        return product.Id;
    }

    public sealed record IdOnly(Guid Id);
}
