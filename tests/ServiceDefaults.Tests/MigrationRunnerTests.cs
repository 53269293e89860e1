using Bazaar.ServiceDefaults.Data;
using Bazaar.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class MigrationRunnerTests
{
    static readonly MigrationSource Source = new("widgets", typeof(MigrationRunnerTests).Assembly, "Migrations");

    static async Task<NpgsqlDataSource> FreshDatabaseAsync() => NpgsqlDataSource.Create(await TestServers.CreateDatabaseAsync("test_migrations"));

    [Fact]
    public void Files_are_loaded_in_version_order()
    {
        Source.Load().Select(m => m.Id).ShouldBe(["widgets/0001_create_widgets", "widgets/0002_add_colour"]);
    }

    [Fact]
    public async Task Applying_twice_is_a_no_op()
    {
        await using var db = await FreshDatabaseAsync();
        var runner = new MigrationRunner(db, NullLogger<MigrationRunner>.Instance);
        (await runner.ApplyAsync(Source.Load(), default)).Count.ShouldBe(2);
        (await runner.ApplyAsync(Source.Load(), default)).Count.ShouldBe(0);
        await using var count = db.CreateCommand("select count(*) from widgets");
        (await count.ExecuteScalarAsync()).ShouldBe(1L);
        (await MigrationRunner.PendingAsync(db, Source.Load(), default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Racing_runners_apply_each_migration_once()
    {
        await using var db = await FreshDatabaseAsync();
        var runners = Enumerable.Range(0, 4).Select(_ => new MigrationRunner(NpgsqlDataSource.Create(db.ConnectionString), NullLogger<MigrationRunner>.Instance));
        var applied = await Task.WhenAll(runners.Select(r => r.ApplyAsync(Source.Load(), default)));
        applied.Sum(a => a.Count).ShouldBe(2);
        await using var history = db.CreateCommand("select count(*) from schema_migrations where module = 'widgets'");
        (await history.ExecuteScalarAsync()).ShouldBe(2L);
    }

    [Fact]
    public async Task A_failing_migration_rolls_back_and_stops()
    {
        await using var db = await FreshDatabaseAsync();
        var runner = new MigrationRunner(db, NullLogger<MigrationRunner>.Instance);
        Migration[] broken = [new("m", 1, "ok", "create table a (id int)"), new("m", 2, "broken", "create table b (id int); select * from nowhere"), new("m", 3, "later", "create table c (id int)")];
        await Should.ThrowAsync<PostgresException>(() => runner.ApplyAsync(broken, default));
        await using var tables = db.CreateCommand("select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'");
        (await tables.ExecuteScalarAsync()).ShouldBe("a,schema_migrations");
        (await MigrationRunner.PendingAsync(db, broken, default)).Select(m => m.Version).ShouldBe([2, 3]);
    }

    [Fact]
    public async Task A_migration_that_cannot_get_its_lock_steps_back_and_tries_again()
    {
        await using var db = await FreshDatabaseAsync();
        var runner = new MigrationRunner(db, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync([new Migration("m", 1, "table", "create table a (id int)")], default);
        // A long transaction holds the table (a request that locked a row and waits for another service, say).
        await using var holder = await db.OpenConnectionAsync();
        await using var busy = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("lock table a in row exclusive mode", holder, busy))
            await lockTable.ExecuteNonQueryAsync();

        var migrating = runner.ApplyAsync([new Migration("m", 1, "table", "create table a (id int)"), new Migration("m", 2, "column", "alter table a add column b int")], default);
        await Task.Delay(MigrationRunner.LockTimeout + TimeSpan.FromSeconds(1)); // past the first attempt's wait
        migrating.IsCompleted.ShouldBeFalse(); // still trying, not failed
        await busy.CommitAsync();

        (await migrating).ShouldHaveSingleItem().Version.ShouldBe(2);
        await using var column = db.CreateCommand("select count(*) from information_schema.columns where table_name = 'a' and column_name = 'b'");
        (await column.ExecuteScalarAsync()).ShouldBe(1L);
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_stops_the_run()
    {
        await using var db = await FreshDatabaseAsync();
        var runner = new MigrationRunner(db, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync([new Migration("m", 1, "first", "create table a (id int)")], default);
        var error = await Should.ThrowAsync<InvalidOperationException>(() => runner.ApplyAsync([new Migration("m", 1, "first", "create table a (id bigint)")], default));
        error.Message.ShouldContain("m/0001_first was changed");
    }
}

public sealed class SnakeCaseNamesTests
{
    [Theory]
    [InlineData("Id", "id")]
    [InlineData("NormalizedEmail", "normalized_email")]
    [InlineData("EncryptedPrivateKey", "encrypted_private_key")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("OrderId2", "order_id2")]
    public void Property_names_become_snake_case(string name, string column) => SnakeCaseNames.ToSnakeCase(name).ShouldBe(column);
}
