using Microsoft.AspNetCore.Authorization;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>The roles and the service scope every route is authorized against.</summary>
public static class Policies
{
    public const string Customer = "customer";
    public const string Support = "support";
    public const string Admin = "admin";
    public const string Internal = "internal";

    public static class Roles
    {
        public const string Customer = "customer";
        public const string Support = "support";
        public const string Admin = "admin";
        public static readonly IReadOnlyList<string> All = [Customer, Support, Admin];
    }

    public const string ScopeClaim = "scope";

    internal static void Add(AuthorizationOptions options)
    {
        // A signed-in person (any role); service tokens carry no role and are not customers.
        options.AddPolicy(Customer, p => p.RequireAuthenticatedUser().RequireRole(Roles.All));
        // Support staff read the back office; admins do everything support does.
        options.AddPolicy(Support, p => p.RequireAuthenticatedUser().RequireRole(Roles.Support, Roles.Admin));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        options.AddPolicy(Internal, p => p.RequireAuthenticatedUser().RequireClaim(ScopeClaim, Internal));
    }
}
