using System.Diagnostics;
using Bazaar.Testing;
using Npgsql;

namespace Bazaar.Identity.Tests;

/// <summary>The real <c>migrate</c> command, as the start script and the Kubernetes Job run it.</summary>
public sealed class MigrateCommandTests
{
    static async Task<(int ExitCode, string Output)> RunMigrateAsync(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "migrate"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Database"] = connectionString;
        start.Environment["ConnectionStrings__Redis"] = "127.0.0.1:1"; // migrate needs no Redis
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task Two_processes_racing_create_the_database_and_apply_each_migration_once()
    {
        var server = await TestServers.PostgresAsync();
        var database = $"test_migrate_{Guid.NewGuid():N}";
        var connectionString = $"{server};Database={database}";

        var runs = await Task.WhenAll(RunMigrateAsync(connectionString), RunMigrateAsync(connectionString));
        runs.ShouldAllBe(r => r.ExitCode == 0, string.Join("\n----\n", runs.Select(r => r.Output)));

        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var history = db.CreateCommand("select module || '/' || version, count(*) from schema_migrations group by 1 order by 1");
        await using var reader = await history.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        rows.ShouldBe([("email-outbox/1", 1L), ("email-outbox/2", 1L), ("identity/1", 1L), ("identity/2", 1L)]);

        // and a third run later has nothing to do
        var again = await RunMigrateAsync(connectionString);
        again.ExitCode.ShouldBe(0);
        again.Output.ShouldContain("0 migrations applied now");
    }
}
