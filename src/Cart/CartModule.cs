using Bazaar.Cart.Carts;
using Bazaar.ServiceDefaults.Health;
using Bazaar.ServiceDefaults.Http;

namespace Bazaar.Cart;

public static class CartModule
{
    public static WebApplicationBuilder AddCart(this WebApplicationBuilder builder)
    {
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        builder.Services.AddValidation();
        builder.Services.AddSingleton<CartStore>();
        builder.Services.RequireRedisForReadiness(); // carts live in Redis only
        builder.Services.AddServiceClient<CatalogClient>("catalog");
        return builder;
    }

    public static WebApplication MapCartApi(this WebApplication app)
    {
        app.MapCartRoutes();
        return app;
    }
}
