using Bazaar.ServiceDefaults.Data;
using Bazaar.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Bazaar.ServiceDefaults.Tests;

/// <summary>Old rows of a short-lived kind are deleted, in batches, against a real PostgreSQL table.</summary>
public sealed class RowPurgeTests
{
    [Fact]
    public async Task Rows_older_than_the_rule_keeps_are_deleted_and_the_rest_stay()
    {
        await using var db = NpgsqlDataSource.Create(await TestServers.CreateDatabaseAsync("test_purge"));
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("create table tokens (id int primary key, expires_at timestamptz not null)");
            await connection.ExecuteAsync("create table other_rows (id int primary key, created_at timestamptz not null)");
            // 2,500 expired long ago (more than two batches), 10 expired an hour ago, 10 not yet expired.
            await connection.ExecuteAsync("""
                insert into tokens select i, now() - interval '3 days' from generate_series(1, 2500) i;
                insert into tokens select i, now() - interval '1 hour' from generate_series(2501, 2510) i;
                insert into tokens select i, now() + interval '1 day' from generate_series(2511, 2520) i;
                insert into other_rows select i, now() - interval '40 days' from generate_series(1, 5) i;
                """);
        }
        var purger = new RowPurger(db, [new PurgeRule("tokens", "expires_at", TimeSpan.FromDays(1)), new PurgeRule("other_rows", "created_at", TimeSpan.FromDays(30))],
            TimeProvider.System, NullLogger<RowPurger>.Instance);

        (await purger.PurgeAsync(default)).ShouldBe(2505);

        await using (var connection = await db.OpenConnectionAsync())
        {
            (await connection.ExecuteScalarAsync<long>("select count(*) from tokens")).ShouldBe(20);
            (await connection.ExecuteScalarAsync<long>("select min(id) from tokens")).ShouldBe(2501);
            (await connection.ExecuteScalarAsync<long>("select count(*) from other_rows")).ShouldBe(0);
        }
        (await purger.PurgeAsync(default)).ShouldBe(0);
    }

    [Theory]
    [InlineData("tokens; drop table users", "expires_at")]
    [InlineData("tokens", "expires_at < now() or true")]
    public void A_rule_names_only_a_table_and_a_column(string table, string column) =>
        Should.Throw<ArgumentException>(() => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddRowPurge(new PurgeRule(table, column, TimeSpan.FromDays(1))));
}
