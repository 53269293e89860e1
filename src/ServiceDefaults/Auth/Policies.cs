using System.Security.Claims;
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
        public static readonly IReadOnlyList<string> Staff = [Support, Admin];
    }

    /// <summary>What the <see cref="Customer"/> policy admits, for a route that serves people and others alike.</summary>
    public static bool IsPerson(ClaimsPrincipal user) => Roles.All.Any(user.IsInRole);

    /// <summary>What the <see cref="Support"/> policy admits, for a route that shows staff more than others.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => Roles.Staff.Any(user.IsInRole);

    public const string ScopeClaim = "scope";

    internal static void Add(AuthorizationOptions options)
    {
        // A signed-in person (any role); service tokens carry no role and are not customers.
        options.AddPolicy(Customer, p => p.RequireAuthenticatedUser().RequireRole(Roles.All));
        // Support staff read the back office; admins do everything support does.
        options.AddPolicy(Support, p => p.RequireAuthenticatedUser().RequireRole(Roles.Staff));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        options.AddPolicy(Internal, p => p.RequireAuthenticatedUser().RequireClaim(ScopeClaim, Internal));
    }
}
