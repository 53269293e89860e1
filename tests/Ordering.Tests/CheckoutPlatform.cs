extern alias cart;
extern alias catalog;
extern alias ordering;
extern alias payments;
extern alias risk;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bazaar.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bazaar.Ordering.Tests;

public sealed class CatalogHost : ServiceFactory<catalog::Program>
{
    readonly string _media = Directory.CreateTempSubdirectory("bazaar-order-media-").FullName;
    protected override string ServiceName => "catalog";
    protected override void Configure(IDictionary<string, string?> settings) => settings["Media:Root"] = _media;
}

public sealed class CartHost : ServiceFactory<cart::Program>
{
    protected override string ServiceName => "cart";
}

public sealed class PaymentsHost : ServiceFactory<payments::Program>
{
    protected override string ServiceName => "payments";
    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Payments:ProviderTimeout"] = "00:00:02";
        settings["Payments:Sandbox:FingerprintKey"] = "test-fingerprint-key";
        settings["Payments:Sandbox:WebhookSecret"] = "whsec_test";
    }
}

public sealed class RiskHost : ServiceFactory<risk::Program>
{
    protected override string ServiceName => "risk";
}

public sealed class OrderingHost : ServiceFactory<ordering::Program>
{
    public string Mailbox { get; } = Directory.CreateTempSubdirectory("bazaar-order-mail-").FullName;
    protected override string ServiceName => "ordering";
    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Email:Mailbox"] = Mailbox;
        settings["Email:PollInterval"] = "00:00:00.050";
        settings["Ordering:Saga:StuckAfter"] = "00:00:10";
        settings["Ordering:Saga:SweepEvery"] = "01:00:00"; // tests run the sweeper themselves
    }
}

/// <summary>Catalog, cart, payments, risk and ordering talking HTTP in process, trusting one test signing key.</summary>
public sealed class CheckoutPlatform : IAsyncLifetime
{
    public TestTokens Tokens { get; } = new();
    public CatalogHost Catalog { get; } = new();
    public CartHost Cart { get; } = new();
    public PaymentsHost Payments { get; } = new();
    public RiskHost Risk { get; } = new();
    public OrderingHost Ordering { get; } = new();

    /// <summary>While true, ordering's calls to the cart fail as if the cart service were down.</summary>
    public bool CartDown { get; set; }

    /// <summary>The calls to catalog it matches fail as if catalog were down: they never reach it.</summary>
    public Func<HttpRequestMessage, bool>? RefuseCatalogCalls { get; set; }

    /// <summary>While true, ordering's calls to risk fail as if the risk service were down.</summary>
    public bool RiskDown { get; set; }

    /// <summary>The calls to payments it matches fail as if payments were down: they never reach it.</summary>
    public Func<HttpRequestMessage, bool>? RefusePaymentsCalls { get; set; }

    /// <summary>For the calls to payments it matches, payments does what ordering asks but the answer is lost on the way back (a reset connection).</summary>
    public Func<HttpRequestMessage, bool>? LosePaymentsAnswers { get; set; }

    public async Task InitializeAsync()
    {
        (Catalog.Tokens, Cart.Tokens, Payments.Tokens, Risk.Tokens, Ordering.Tokens) = (Tokens, Tokens, Tokens, Tokens, Tokens);
        Cart.Peers["catalog"] = () => Catalog.Server.CreateHandler();
        Ordering.Peers["catalog"] = () => new Outage(Catalog.Server.CreateHandler(), request => RefuseCatalogCalls?.Invoke(request) == true);
        Ordering.Peers["cart"] = () => new Outage(Cart.Server.CreateHandler(), _ => CartDown);
        Ordering.Peers["payments"] = () => new Outage(Payments.Server.CreateHandler(), request => RefusePaymentsCalls?.Invoke(request) == true,
            request => LosePaymentsAnswers?.Invoke(request) == true);
        Ordering.Peers["risk"] = () => new Outage(Risk.Server.CreateHandler(), _ => RiskDown);
        await Catalog.InitializeAsync();
        await Cart.InitializeAsync();
        await Payments.InitializeAsync();
        await Risk.InitializeAsync();
        await Ordering.InitializeAsync();
    }

    public async Task ResetAsync()
    {
        await Catalog.ResetAsync();
        await Cart.ResetAsync();
        await Payments.ResetAsync();
        await Risk.ResetAsync();
        await Risk.Services.GetRequiredService<risk::Bazaar.Risk.Rules.RuleCache>().ChangedAsync(); // forget the rules of the last test
        await Ordering.ResetAsync();
        Ordering.Services.GetRequiredService<ordering::Bazaar.Ordering.Checkout.SagaFaults>().CrashAfter = null;
        (CartDown, RiskDown, RefuseCatalogCalls, RefusePaymentsCalls, LosePaymentsAnswers) = (false, false, null, null, null);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new IAsyncLifetime[] { Ordering, Risk, Payments, Cart, Catalog })
            await host.DisposeAsync();
    }

    static HttpClient With(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient CatalogAs(string token) => With(Catalog.CreateClient(), token);
    public HttpClient CartAs(string token) => With(Cart.CreateClient(), token);
    public HttpClient OrderingAs(string token) => With(Ordering.CreateClient(), token);
    public HttpClient PaymentsAs(string token) => With(Payments.CreateClient(), token);
    public HttpClient RiskAs(string token) => With(Risk.CreateClient(), token);

    public string AdminToken => Tokens.ForUser(Guid.NewGuid(), "admin", "customer");

    public string CustomerToken(Guid id) => Tokens.ForUserWithEmail(id, $"{id:N}@example.com", "customer");

    /// <summary>An active product with one SKU, stocked.</summary>
    public async Task<Guid> ProductAsync(string sku, long price, int stock, int weightGrams = 500)
    {
        var admin = CatalogAs(AdminToken);
        var category = await (await admin.PostAsJsonAsync("/api/v1/admin/categories", new { name = "Cat " + Guid.NewGuid().ToString("N")[..8] })).ShouldBeOkAsync<IdOnly>(System.Net.HttpStatusCode.Created);
        var product = await (await admin.PostAsJsonAsync("/api/v1/admin/products", new
        {
            name = "Product " + sku, categoryId = category.Id, status = "active", currency = "EUR",
            variants = new[] { new { sku, price, initialStock = stock, weightGrams } },
        })).ShouldBeOkAsync<IdOnly>(System.Net.HttpStatusCode.Created);
        return product.Id;
    }

    /// <summary>A card token from the sandbox, as the storefront gets it.</summary>
    public async Task<string> CardTokenAsync(string number = "4242424242424242")
    {
        var response = await Payments.CreateClient().PostAsJsonAsync("/api/v1/payments/sandbox/tokens", new { number, expMonth = 12, expYear = DateTime.UtcNow.Year + 2, cvc = "123" });
        var body = await response.ShouldBeOkAsync<JsonElement>(System.Net.HttpStatusCode.Created);
        return body.GetProperty("token").GetString()!;
    }

    public static object Checkout(string token, string method = "standard", string country = "DE") => new
    {
        shippingAddress = new { name = "Sam Shopper", line1 = "Hauptstr. 1", city = "Berlin", postalCode = "10115", country },
        shippingMethod = method, paymentToken = token,
    };

    public Task<HttpResponseMessage> PlaceOrderAsync(HttpClient customer, object body, string? key = null) => customer.PostOnceAsync("/api/v1/orders", body, key);

    public sealed record IdOnly(Guid Id);
}
