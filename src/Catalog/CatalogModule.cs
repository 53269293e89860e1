using Bazaar.Catalog.Caching;
using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Inventory;
using Bazaar.Catalog.Media;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Reviews;
using Bazaar.Catalog.Search;
using Bazaar.Catalog.Seed;
using Bazaar.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Catalog;

public static class CatalogModule
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CatalogDb>("catalog");
        var services = builder.Services;
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        services.AddValidation();
        services.AddMediaStore(builder.Configuration);
        services.AddMemoryCache(o => o.SizeLimit = null);
        services.AddSingleton<CatalogCache>();
        services.AddSingleton<ProductReader>();
        services.AddSingleton<ProductSearch>();
        services.AddSingleton<Reservations>();
        services.AddHostedService<ReservationSweeper>();
        services.AddScoped<ISeeder, CatalogSeeder>();
        return builder;
    }

    public static WebApplication MapCatalogApi(this WebApplication app)
    {
        app.MapCategoriesApi();
        app.MapSearchApi();
        app.MapProductsApi();
        app.MapReviewsApi();
        app.MapInventoryApi();
        app.MapImagesApi();
        return app;
    }
}
