using System.Net;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Identity.Users;
using Bazaar.Testing;

namespace Bazaar.Identity.Tests;

public sealed class AdminUsersTests(IdentityFactory factory) : IdentityTest(factory)
{
    [Fact]
    public async Task Admins_search_and_page_through_users()
    {
        var admin = await Factory.TokenWithRolesAsync(Client, "admin");
        for (var i = 0; i < 5; i++)
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(1)); // newest first is by creation time
            await Factory.RegisterAsync(Client, $"page-{i}@example.com");
        }

        var first = await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users?q=page-&limit=2", admin))).ShouldBeOkAsync<UserPage>();
        first.Items.Select(u => u.Email).ShouldBe(["page-4@example.com", "page-3@example.com"]);
        var second = await (await Client.SendAsync(WithToken(HttpMethod.Get, $"/api/v1/admin/users?q=page-&limit=2&cursor={first.NextCursor}", admin))).ShouldBeOkAsync<UserPage>();
        second.Items.Select(u => u.Email).ShouldBe(["page-2@example.com", "page-1@example.com"]);
        var last = await (await Client.SendAsync(WithToken(HttpMethod.Get, $"/api/v1/admin/users?q=page-&limit=2&cursor={second.NextCursor}", admin))).ShouldBeOkAsync<UserPage>();
        last.Items.Select(u => u.Email).ShouldBe(["page-0@example.com"]);
        last.NextCursor.ShouldBeNull();

        var admins = await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users?role=admin", admin))).ShouldBeOkAsync<UserPage>();
        admins.Items.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1000", "limit")]
    [InlineData("role=owner", "role")]
    [InlineData("cursor=nonsense", "cursor")]
    public async Task Bad_list_parameters_are_named(string query, string field)
    {
        var admin = await Factory.TokenWithRolesAsync(Client, "admin");
        await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users?" + query, admin))).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Search_text_with_like_wildcards_is_taken_literally()
    {
        var admin = await Factory.TokenWithRolesAsync(Client, "admin");
        await Factory.RegisterAsync(Client, "plain@example.com");
        var page = await (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users?q=%25", admin))).ShouldBeOkAsync<UserPage>();
        page.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Admins_change_roles_and_new_tokens_carry_them()
    {
        var admin = await Factory.TokenWithRolesAsync(Client, "admin");
        var (email, password) = await Factory.RegisterAsync(Client);
        var user = (await Factory.LoginAsync(Client, email, password)).User;

        var updated = await (await Client.SendAsync(WithToken(HttpMethod.Put, $"/api/v1/admin/users/{user.Id}/roles", admin, new { roles = new[] { "support", "customer" } }))).ShouldBeOkAsync<UserDto>();
        updated.Roles.ShouldBe(["customer", "support"]);
        var support = await Factory.LoginAsync(Client, email, password);
        (await Client.SendAsync(WithToken(HttpMethod.Get, "/api/v1/admin/users", support.AccessToken))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await (await Client.SendAsync(WithToken(HttpMethod.Put, $"/api/v1/admin/users/{user.Id}/roles", admin, new { roles = new[] { "owner" } }))).ShouldNameFieldAsync("roles");
        await (await Client.SendAsync(WithToken(HttpMethod.Put, $"/api/v1/admin/users/{user.Id}/roles", admin, new { roles = new[] { "customer", null } }))).ShouldNameFieldAsync("roles");
        await (await Client.SendAsync(WithToken(HttpMethod.Put, $"/api/v1/admin/users/{Guid.NewGuid()}/roles", admin, new { roles = new[] { "customer" } }))).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    static Guid Subject(string token) =>
        Guid.Parse(JsonSerializer.Deserialize<JsonElement>(Base64Url.Decode(token.Split('.')[1])).GetProperty("sub").GetString()!);

    [Fact]
    public async Task An_admin_demoted_or_locked_since_signing_in_changes_no_roles_or_locks_with_the_token_still_held()
    {
        var first = await Factory.TokenWithRolesAsync(Client, "admin");
        var second = await Factory.TokenWithRolesAsync(Client, "admin");
        var third = await Factory.TokenWithRolesAsync(Client, "admin");
        Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body = null) =>
            Client.SendAsync(WithToken(method, $"/api/v1/admin/users/{path}", token, body));

        // The first demotes the second. The second's token says admin for a while yet, but it may not strike back:
        // otherwise two admins could leave the shop with none.
        await (await Send(HttpMethod.Put, $"{Subject(second)}/roles", first, new { roles = new[] { "customer" } })).ShouldBeOkAsync<UserDto>();
        await (await Send(HttpMethod.Put, $"{Subject(first)}/roles", second, new { roles = new[] { "customer" } })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await Send(HttpMethod.Post, $"{Subject(first)}/lock", second)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        // A locked admin does not unlock itself with the token it still holds.
        await (await Send(HttpMethod.Post, $"{Subject(third)}/lock", first)).ShouldBeOkAsync<UserDto>();
        await (await Send(HttpMethod.Post, $"{Subject(third)}/unlock", third)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var still = await (await Send(HttpMethod.Get, $"{Subject(first)}", first)).ShouldBeOkAsync<UserDto>();
        (still.Roles.Contains("admin"), still.Locked).ShouldBe((true, false));
        (await (await Send(HttpMethod.Get, $"{Subject(third)}", first)).ShouldBeOkAsync<UserDto>()).Locked.ShouldBeTrue();
    }

    [Fact]
    public async Task Support_reads_but_does_not_write()
    {
        var support = await Factory.TokenWithRolesAsync(Client, "support");
        var (email, password) = await Factory.RegisterAsync(Client);
        var user = (await Factory.LoginAsync(Client, email, password)).User;

        (await Client.SendAsync(WithToken(HttpMethod.Get, $"/api/v1/admin/users/{user.Id}", support))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await Client.SendAsync(WithToken(HttpMethod.Put, $"/api/v1/admin/users/{user.Id}/roles", support, new { roles = new[] { "admin" } }))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await Client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/admin/users/{user.Id}/lock", support))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await Client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/admin/users/{user.Id}/unlock", support))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_routes_need_a_token()
    {
        await (await Client.GetAsync("/api/v1/admin/users")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
