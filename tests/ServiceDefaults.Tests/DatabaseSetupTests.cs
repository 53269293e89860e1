using Bazaar.ServiceDefaults.Data;
using Bazaar.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace Bazaar.ServiceDefaults.Tests;

/// <summary>The migrate step's provisioning of a service's own role and database, as the cluster's migration Job does it.</summary>
public sealed class DatabaseSetupTests
{
    static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (T?)await command.ExecuteScalarAsync();
    }

    /// <summary>An admin like Aurora's master user: may create roles and databases, but is no superuser.</summary>
    static async Task<string> AdminAsync(string server, string suffix)
    {
        var admin = $"admin_{suffix}";
        await ScalarAsync<object>(server + ";Database=postgres", $"create role \"{admin}\" login createrole createdb password 'admin-pw'");
        return $"{server};Database=postgres;Username={admin};Password=admin-pw";
    }

    [Fact]
    public async Task With_an_admin_the_service_gets_its_own_login_role_owning_its_database()
    {
        var server = await TestServers.PostgresAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var admin = await AdminAsync(server, suffix);
        var service = new NpgsqlConnectionStringBuilder(server) { Username = $"svc_{suffix}", Password = "it's-a-secret", Database = $"bazaar_{suffix}" }.ConnectionString;

        await DatabaseSetup.EnsureDatabaseExistsAsync(service, default, admin);

        (await ScalarAsync<string>(service, "select current_user")).ShouldBe($"svc_{suffix}");
        (await ScalarAsync<string>(server + ";Database=postgres", "select pg_get_userbyid(datdba)::text from pg_database where datname = @name",
            ("name", $"bazaar_{suffix}"))).ShouldBe($"svc_{suffix}");
        await ScalarAsync<object>(service, "create table owned_here (id int)"); // the owner can run its migrations
        (await ScalarAsync<bool>(server + ";Database=postgres", "select rolcanlogin and not rolsuper and not rolcreatedb from pg_roles where rolname = @name",
            ("name", $"svc_{suffix}"))).ShouldBeTrue();
        (await ScalarAsync<bool>(server + ";Database=postgres", "select has_database_privilege('public', @db, 'CONNECT')",
            ("db", $"bazaar_{suffix}"))).ShouldBeFalse(); // another service's role cannot connect
    }

    [Fact]
    public async Task Running_again_is_harmless_and_applies_a_rotated_password()
    {
        var server = await TestServers.PostgresAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var admin = await AdminAsync(server, suffix);
        string Service(string password) => new NpgsqlConnectionStringBuilder(server) { Username = $"svc_{suffix}", Password = password, Database = $"bazaar_{suffix}" }.ConnectionString;
        async Task<string?> HashAsync() => await ScalarAsync<string>(server + ";Database=postgres", "select rolpassword from pg_authid where rolname = @name", ("name", $"svc_{suffix}"));

        await DatabaseSetup.EnsureDatabaseExistsAsync(Service("first-secret"), default, admin);
        var first = await HashAsync();
        await DatabaseSetup.EnsureDatabaseExistsAsync(Service("first-secret"), default, admin);
        await DatabaseSetup.EnsureDatabaseExistsAsync(Service("rotated-secret"), default, admin);

        first.ShouldNotBeNullOrEmpty();
        (await HashAsync()).ShouldNotBe(first);
        (await ScalarAsync<long>(server + ";Database=postgres", "select count(*) from pg_database where datname = @name", ("name", $"bazaar_{suffix}"))).ShouldBe(1);
    }

    [Fact]
    public async Task Without_an_admin_the_service_user_creates_its_database_itself()
    {
        var server = await TestServers.PostgresAsync();
        var name = $"bazaar_{Guid.NewGuid():N}"[..30];
        var service = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

        await DatabaseSetup.EnsureDatabaseExistsAsync(service, default);
        await DatabaseSetup.EnsureDatabaseExistsAsync(service, default);

        (await ScalarAsync<int>(service, "select 1")).ShouldBe(1);
    }

    [Fact]
    public async Task An_admin_without_a_service_password_is_refused()
    {
        var server = await TestServers.PostgresAsync();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var admin = await AdminAsync(server, suffix);
        var service = new NpgsqlConnectionStringBuilder(server) { Username = $"svc_{suffix}", Database = $"bazaar_{suffix}" }.ConnectionString;

        (await Should.ThrowAsync<InvalidOperationException>(() => DatabaseSetup.EnsureDatabaseExistsAsync(service, default, admin)))
            .Message.ShouldContain("no password");
    }
}

/// <summary>The service's data source prepares the statements it repeats and hands connections back without a reset round.</summary>
public sealed class ConnectionDefaultsTests
{
    static NpgsqlDataSource DataSource(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBazaarDatabase(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Database"] = connectionString })
            .Build());
        return services.BuildServiceProvider().GetRequiredService<NpgsqlDataSource>();
    }

    static async Task<long> PreparedOnServerAsync(NpgsqlConnection connection)
    {
        for (var i = 0; i < 3; i++)
        {
            await using var repeated = new NpgsqlCommand("select @n::int + 1", connection);
            repeated.Parameters.AddWithValue("n", i);
            (await repeated.ExecuteScalarAsync()).ShouldBe(i + 1);
        }
        await using var count = new NpgsqlCommand("select count(*) from pg_prepared_statements where statement like 'select $1::int + 1%'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_statement_run_again_is_prepared_on_the_server()
    {
        await using var db = DataSource(await TestServers.CreateDatabaseAsync("test_prepare"));
        await using var connection = await db.OpenConnectionAsync();
        (await PreparedOnServerAsync(connection)).ShouldBe(1);
    }

    [Fact]
    public async Task The_connection_string_can_turn_preparation_off()
    {
        await using var db = DataSource(await TestServers.CreateDatabaseAsync("test_prepare") + ";Max Auto Prepare=0");
        await using var connection = await db.OpenConnectionAsync();
        (await PreparedOnServerAsync(connection)).ShouldBe(0);
    }

    static async Task<string?> ApplicationNameAfterReuseAsync(NpgsqlDataSource db)
    {
        await using (var first = await db.OpenConnectionAsync())
        {
            await using var set = new NpgsqlCommand("set application_name = 'left-behind'", first);
            await set.ExecuteNonQueryAsync();
        }
        await using var second = await db.OpenConnectionAsync(); // the same physical connection, back from the pool
        await using var read = new NpgsqlCommand("select current_setting('application_name')", second);
        return (string?)await read.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_connection_goes_back_to_the_pool_without_a_reset()
    {
        await using var db = DataSource(await TestServers.CreateDatabaseAsync("test_reset"));
        (await ApplicationNameAfterReuseAsync(db)).ShouldBe("left-behind");
    }

    [Fact]
    public async Task The_connection_string_can_ask_for_the_reset()
    {
        await using var db = DataSource(await TestServers.CreateDatabaseAsync("test_reset") + ";No Reset On Close=false");
        (await ApplicationNameAfterReuseAsync(db)).ShouldNotBe("left-behind");
    }
}
