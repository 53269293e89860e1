using System.Net.Http.Json;
using System.Security.Cryptography;
using Bazaar.Identity.Auth;
using Bazaar.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Identity.Tests;

/// <summary>The identity service over HTTP against real PostgreSQL and Redis, e-mails delivered to a temporary mailbox folder.</summary>
public class IdentityFactory : ServiceFactory<Program>
{
    public const string OrderingSecret = "ordering-test-secret";
    public string Mailbox { get; } = Directory.CreateTempSubdirectory("bazaar-identity-mail-").FullName;

    protected override string ServiceName => "identity";

    // Identity validates its own tokens against its key ring.
    protected override bool UseTestTokens => false;

    // The signing key survives resets, as it survives restarts.
    protected override IReadOnlyCollection<string> KeptTables => ["signing_keys"];

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Identity:KeyEncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings["Identity:RefreshCookie:Secure"] = "false";
        settings["Identity:ServiceClients:ordering"] = OrderingSecret;
        settings["Email:Mailbox"] = Mailbox;
        settings["Email:PublicBaseUrl"] = "http://shop.test";
        settings["Email:PollInterval"] = "00:00:00.050";
    }

    public new async Task ResetAsync()
    {
        // Reset links still being made belong to the test before: let them finish before its tables are emptied.
        var links = Services.GetRequiredService<Bazaar.Identity.Passwords.ResetLinkQueue>();
        for (var i = 0; i < 200 && links.Pending > 0; i++)
            await Task.Delay(50);
        if (links.Pending > 0)
            throw new TimeoutException($"{links.Pending} password reset requests of the test before were still being worked on after 10 s.");
        await base.ResetAsync();
        foreach (var file in Directory.GetFiles(Mailbox))
            File.Delete(file);
    }

    /// <summary>Registers a customer and returns the credentials.</summary>
    public async Task<(string Email, string Password)> RegisterAsync(HttpClient client, string? email = null, string password = "Correct-Horse-7")
    {
        email ??= $"shopper-{Guid.NewGuid():N}@example.com";
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, displayName = "Sam Shopper" });
        await response.ShouldBeOkAsync<object>(System.Net.HttpStatusCode.Created);
        return (email, password);
    }

    public async Task<AuthResponse> LoginAsync(HttpClient client, string email, string password, bool refreshTokenInBody = false)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password, refreshTokenInBody });
        return await response.ShouldBeOkAsync<AuthResponse>();
    }

    /// <summary>Registers a user, gives it the roles directly in the database, and returns an access token.</summary>
    public async Task<string> TokenWithRolesAsync(HttpClient client, params string[] roles)
    {
        var (email, password) = await RegisterAsync(client, $"staff-{Guid.NewGuid():N}@example.com");
        using (var scope = Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var user = db.Users.Single(u => u.NormalizedEmail == email);
            user.SetRoles(roles, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
        var api = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        return (await LoginAsync(api, email, password)).AccessToken;
    }

    /// <summary>Waits for the background sender to deliver an e-mail to <paramref name="recipient"/> and returns its text.</summary>
    public async Task<string> WaitForEmailAsync(string recipient, int count = 1)
    {
        for (var i = 0; i < 200; i++)
        {
            var matches = Directory.GetFiles(Mailbox, "*.eml").Select(File.ReadAllText).Where(t => t.Contains($"To: {recipient}\r\n", StringComparison.Ordinal)).ToList();
            if (matches.Count >= count)
                return matches.OrderBy(t => t, StringComparer.Ordinal).Last();
            await Task.Delay(50);
        }
        throw new TimeoutException($"No e-mail reached {recipient} within 10 seconds.");
    }
}

/// <summary>Each test starts from empty tables and an empty Redis database.</summary>
public abstract class IdentityTest(IdentityFactory factory) : IClassFixture<IdentityFactory>, IAsyncLifetime
{
    protected IdentityFactory Factory { get; } = factory;
    protected HttpClient Client { get; } = factory.CreateClient();

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected static HttpRequestMessage WithToken(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }
}
