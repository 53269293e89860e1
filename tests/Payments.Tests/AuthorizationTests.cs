using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Bazaar.Payments.Tests;

/// <summary>Walks every route the service maps, so a new internal or staff route cannot ship unprotected.</summary>
public sealed class AuthorizationTests(PaymentsFactory factory) : PaymentsTest(factory)
{
    IEnumerable<(string Method, string Path)> Routes(string prefix) =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(prefix, StringComparison.Ordinal) == true && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, Concrete(e.RoutePattern.RawText!))));

    static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "{[^}]+}", m => m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "tok_x");

    [Fact]
    public async Task Every_internal_route_needs_a_service_token()
    {
        var routes = Routes("/internal").ToList();
        routes.Count.ShouldBe(7);
        var admin = Factory.Admin();
        var customer = Factory.Customer();
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            (await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as customer");
            (await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as admin");
        }
    }

    [Fact]
    public async Task Every_payments_read_needs_staff()
    {
        var routes = Routes("/api/v1/payments").ToList();
        routes.Count.ShouldBe(2);
        var customer = Factory.Customer();
        var service = Factory.Service();
        foreach (var (method, path) in routes)
        {
            (await Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            (await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as customer");
            (await service.SendAsync(new HttpRequestMessage(new HttpMethod(method), path))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{method} {path} as a service");
        }
    }

    [Fact]
    public async Task Only_tokenisation_and_the_signed_webhook_are_anonymous()
    {
        var anonymous = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/payments", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal).ToList();
        anonymous.ShouldBe(["/api/v1/payments/sandbox/tokens", "/api/v1/payments/webhooks/sandbox"]);
        await Task.CompletedTask;
    }
}
