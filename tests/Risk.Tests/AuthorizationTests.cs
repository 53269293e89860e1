using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Risk.Tests;

/// <summary>Walks every route the service maps, so a new admin or internal route cannot ship unprotected.</summary>
public sealed class AuthorizationTests(RiskFactory factory) : RiskTest(factory)
{
    IEnumerable<(string Method, string Path)> Routes(string prefix) =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Concrete(e.RoutePattern.RawText!))));

    static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", _ => Guid.NewGuid().ToString());

    [Fact]
    public async Task Every_admin_route_needs_staff_and_every_write_needs_an_admin()
    {
        var routes = Routes("/api/v1/admin").ToList();
        routes.Count.ShouldBe(7);
        var customer = Factory.Customer();
        var support = Factory.Support();
        var service = Factory.Service();
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path} anonymous");
            (await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as customer");
            (await service.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as a service");
            if (method != "GET")
                (await support.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as support");
        }
    }

    [Fact]
    public async Task Every_internal_route_needs_a_service_token()
    {
        var routes = Routes("/internal").ToList();
        routes.Count.ShouldBe(2);
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            (await Factory.Customer().SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as customer");
            (await Factory.Admin().SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as admin");
        }
    }
}
