using System.Data.Common;
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
            ApplyServiceDefaults(builder.ConnectionStringBuilder, connectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            builder.Name = new NpgsqlConnectionStringBuilder(connectionString).Database;
            return builder.Build();
        });
        services.AddSingleton<MigrationRunner>();
    }

    /// <summary>
    /// Connection settings for a service that runs the same few dozen statements all day, unless the connection string
    /// gives its own (docs/benchmarks.md, ADR 0014):
    /// <list type="bullet">
    /// <item>Automatic preparation of statements used twice or more: without it PostgreSQL parses, analyses and plans
    /// each statement every time (a fifth of its CPU under the checkout benchmark). Prepared statements live on the
    /// physical connection, so this needs direct connections or session pooling (Aurora, RDS Proxy in session mode),
    /// not a transaction-mode PgBouncer.</item>
    /// <item>No reset when a connection goes back to the pool: Npgsql would otherwise send seven reset statements
    /// (RESET ALL, DISCARD TEMP, …) with the next command, on every open. Services therefore never change session
    /// state outside a transaction: use <c>set local</c>, transaction-level advisory locks, no temporary tables.</item>
    /// </list>
    /// </summary>
    public static void ApplyServiceDefaults(NpgsqlConnectionStringBuilder settings, string connectionString)
    {
        // Npgsql's builder reports every keyword it knows as present; only the string itself tells what was given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("MaxAutoPrepare"))
            settings.MaxAutoPrepare = 128;
        if (!given.Contains("AutoPrepareMinUsages"))
            settings.AutoPrepareMinUsages = 2;
        if (!given.Contains("NoResetOnClose"))
            settings.NoResetOnClose = true;
    }

    /// <summary>Registers a module's migrations (the folder of embedded <c>.sql</c> files in the assembly of <typeparamref name="TMarker"/>).</summary>
    public static void AddMigrations<TMarker>(this IServiceCollection services, string module, string folder = "Migrations") =>
        services.AddSingleton(new MigrationSource(module, typeof(TMarker).Assembly, folder));

    /// <summary>
    /// Optional ConnectionStrings:DatabaseAdmin: a user allowed to create roles and databases (Aurora's master user in
    /// the cluster's migration Job). With it, the migrate step provisions the service's own login role (the user and
    /// password of ConnectionStrings:Database, kept in step with the service's secret) and its database, owned by that
    /// role. Without it (locally, where the user is a superuser) the service's own user creates the database.
    /// </summary>
    public const string AdminConnectionStringName = "DatabaseAdmin";

    /// <summary>Creates the database named in the connection string when it does not exist (the migrate step owns this).</summary>
    public static async Task EnsureDatabaseExistsAsync(string connectionString, CancellationToken ct, string? adminConnectionString = null)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var name = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(adminConnectionString ?? connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(ct);
        string? owner = null;
        if (adminConnectionString is not null)
        {
            owner = target.Username ?? throw new InvalidOperationException("ConnectionStrings:Database names no user.");
            await EnsureLoginRoleAsync(connection, owner, target.Password ?? "", ct);
        }
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            try
            {
                var create = $"create database {Identifier(name)}" + (owner is null ? "" : $" owner {Identifier(owner)}");
                await using var command = new NpgsqlCommand(create, connection);
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // another process created it first
            }
        }
        if (owner is not null)
        {
            // Each service's database is its own: other services' roles may not even connect to it.
            await using var revoke = new NpgsqlCommand($"revoke connect, temporary on database {Identifier(name)} from public", connection);
            await revoke.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// The service's login role, with the password its secret holds now (a rotated secret takes effect at the next
    /// migrate). The admin is made a member so it may create a database owned by the role (Aurora's master user is not
    /// a superuser).
    /// </summary>
    static async Task EnsureLoginRoleAsync(NpgsqlConnection admin, string role, string password, CancellationToken ct)
    {
        if (password.Length == 0)
            throw new InvalidOperationException("ConnectionStrings:Database has no password for the service's role.");
        await using var exists = new NpgsqlCommand("select 1 from pg_roles where rolname = @role", admin);
        exists.Parameters.AddWithValue("role", role);
        var statement = await exists.ExecuteScalarAsync(ct) is null ? "create role" : "alter role";
        try
        {
            // DDL takes no parameters: the password goes in as a quoted literal (standard_conforming_strings is on).
            await using var save = new NpgsqlCommand($"{statement} {Identifier(role)} login password {Literal(password)}", admin);
            await save.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // created by a concurrent migrate of the same service: its password is the same secret
        }
        await using var member = new NpgsqlCommand(
            $"select pg_has_role(current_user, @role, 'MEMBER')", admin) { Parameters = { new("role", role) } };
        if (await member.ExecuteScalarAsync(ct) is not true)
        {
            await using var grant = new NpgsqlCommand($"grant {Identifier(role)} to current_user", admin);
            await grant.ExecuteNonQueryAsync(ct);
        }
    }

    static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    static string Literal(string value) =>
        value.Contains('\0', StringComparison.Ordinal)
            ? throw new InvalidOperationException("A password cannot contain the NUL character.")
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
