using System.Net;
using Bazaar.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Catalog.Tests;

/// <summary>Walks every route the service maps, so a new admin or internal route cannot ship unprotected.</summary>
public sealed class AuthorizationTests(CatalogFactory factory) : CatalogTest(factory)
{
    IEnumerable<(string Method, string Path)> Routes(string prefix) =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Concrete(e.RoutePattern.RawText!))));

    static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", m => m.Value.Contains(":guid") ? Guid.NewGuid().ToString() : "SKU-1");

    [Fact]
    public async Task Every_admin_route_needs_staff_and_every_write_needs_an_admin()
    {
        var routes = Routes("/api/v1/admin").ToList();
        routes.Count.ShouldBeGreaterThan(15);
        var customer = Factory.Customer();
        var support = Factory.Support();
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path} anonymous");
            (await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as customer");
            if (method != "GET")
                (await support.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as support");
        }
    }

    [Fact]
    public async Task Every_internal_route_needs_a_service_token()
    {
        var routes = Routes("/internal").ToList();
        routes.Count.ShouldBeGreaterThanOrEqualTo(6);
        var admin = Factory.Admin();
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            (await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as admin");
        }
    }
}
