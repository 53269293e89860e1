using Bazaar.ServiceDefaults.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults;

/// <summary>Demo data a service can create; runs after its migrations, must be safe to run again.</summary>
public interface ISeeder
{
    Task SeedAsync(CancellationToken ct);
}

/// <summary>
/// Every service's command line: no argument serves requests; <c>migrate</c> creates the database if needed and
/// applies pending migrations (a Kubernetes Job in the cluster, the start command locally); <c>seed</c> also adds demo data.
/// </summary>
public static class ServiceCommands
{
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        // Options (--urls=…, --Section:Key=value) are configuration; the first bare word is the command.
        var command = args.FirstOrDefault(a => !a.StartsWith('-'));
        switch (command)
        {
            case "migrate":
                await MigrateAsync(app.Services, CancellationToken.None);
                return 0;
            case "seed":
                await MigrateAsync(app.Services, CancellationToken.None);
                await SeedAsync(app.Services, CancellationToken.None);
                return 0;
            case null or "serve":
                await app.RunAsync();
                return 0;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: serve (default), migrate, seed.");
                return 2;
        }
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var sources = services.GetServices<MigrationSource>().ToList();
        if (sources.Count == 0)
            return;
        var configuration = services.GetRequiredService<IConfiguration>();
        var connectionString = configuration.GetConnectionString(DatabaseSetup.ConnectionStringName)!;
        var admin = configuration.GetConnectionString(DatabaseSetup.AdminConnectionStringName);
        await DatabaseSetup.EnsureDatabaseExistsAsync(connectionString, ct, string.IsNullOrWhiteSpace(admin) ? null : admin);
        var applied = await services.GetRequiredService<MigrationRunner>().ApplyAsync(sources.SelectMany(s => s.Load()), ct);
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceCommands))
            .LogInformation("Database is up to date ({Applied} migrations applied now)", applied.Count);
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetServices<ISeeder>())
            await seeder.SeedAsync(ct);
    }
}
