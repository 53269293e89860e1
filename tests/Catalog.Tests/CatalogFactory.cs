using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Products;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bazaar.Catalog.Tests;

/// <summary>The catalog over HTTP against real PostgreSQL and Redis; tokens are minted by the test's own signing key.</summary>
public class CatalogFactory : ServiceFactory<Program>
{
    public string MediaRoot { get; } = Directory.CreateTempSubdirectory("bazaar-media-").FullName;

    protected override string ServiceName => "catalog";

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Media:Root"] = MediaRoot;
        settings["Media:MaxUploadBytes"] = (2 * 1024 * 1024).ToString();
    }

    public async Task<CategoryNode> CategoryAsync(string name, Guid? parentId = null)
    {
        var response = await Admin().PostAsJsonAsync("/api/v1/admin/categories", new { name, parentId });
        return await response.ShouldBeOkAsync<CategoryNode>(System.Net.HttpStatusCode.Created);
    }

    /// <summary>An active product with the given variants (sku, price, stock).</summary>
    public async Task<ProductDetail> ProductAsync(string name, Guid categoryId, string brand = "Acme", string description = "A fine product.",
        params (string Sku, long Price, int Stock)[] variants)
    {
        if (variants.Length == 0)
            variants = [($"SKU-{Guid.NewGuid():N}"[..20].ToUpperInvariant(), 1999, 10)];
        var response = await Admin().PostAsJsonAsync("/api/v1/admin/products", new
        {
            name, brand, description, categoryId, status = "active", currency = "EUR",
            variants = variants.Select(v => new { sku = v.Sku, price = v.Price, initialStock = v.Stock, options = new Dictionary<string, string> { ["size"] = "M" } }),
        });
        return await response.ShouldBeOkAsync<ProductDetail>(System.Net.HttpStatusCode.Created);
    }
}

public abstract class CatalogTest(CatalogFactory factory) : IClassFixture<CatalogFactory>, IAsyncLifetime
{
    protected CatalogFactory Factory { get; } = factory;
    protected HttpClient Anonymous { get; } = factory.CreateClient();

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
