using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bazaar.ServiceDefaults.Data;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Database";

    /// <summary>One pooled <see cref="NpgsqlDataSource"/> for the service's own database (ConnectionStrings:Database).</summary>
    public static void AddBazaarDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var connectionString = configuration.GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException("ConnectionStrings:Database is not configured.");
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            builder.Name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            return builder.Build();
        });
        services.AddSingleton<MigrationRunner>();
    }

    /// <summary>Registers a module's migrations (the folder of embedded <c>.sql</c> files in the assembly of <typeparamref name="TMarker"/>).</summary>
    public static void AddMigrations<TMarker>(this IServiceCollection services, string module, string folder = "Migrations") =>
        services.AddSingleton(new MigrationSource(module, typeof(TMarker).Assembly, folder));

    /// <summary>Creates the database named in the connection string when it does not exist (the migrate step owns this).</summary>
    public static async Task EnsureDatabaseExistsAsync(string connectionString, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var name = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(ct) is not null)
            return;
        try
        {
            await using var create = new NpgsqlCommand($"create database \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // another process created it first
        }
    }
}
