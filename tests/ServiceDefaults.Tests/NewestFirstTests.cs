using Bazaar.ServiceDefaults.Data;
using Bazaar.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.ServiceDefaults.Tests;

/// <summary>Newest-first keyset paging as the back-office lists use it, against a real PostgreSQL table.</summary>
public sealed class NewestFirstTests
{
    public sealed class Row
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
    }

    sealed class RowsDb(DbContextOptions<RowsDb> options) : DbContext(options)
    {
        public DbSet<Row> Rows => Set<Row>();

        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Row>().ToTable("paged_rows");
    }

    static async Task<RowsDb> DatabaseAsync()
    {
        var db = new RowsDb(new DbContextOptionsBuilder<RowsDb>().UseNpgsql(await TestServers.CreateDatabaseAsync("test_paging")).Options);
        await db.Database.ExecuteSqlRawAsync("""create table paged_rows ("Id" uuid primary key, "Name" text not null)""");
        return db;
    }

    [Fact]
    public async Task Pages_walk_every_row_once_newest_first_even_while_rows_are_added()
    {
        await using var db = await DatabaseAsync();
        var start = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 7).Select(i => Guid.CreateVersion7(start.AddMilliseconds(i))).ToList();
        db.Rows.AddRange(ids.Select((id, i) => new Row { Id = id, Name = $"row {i}" }));
        await db.SaveChangesAsync();

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            NewestFirst.Read(cursor, 3, 100, out var paging).ShouldBeNull();
            var rows = await paging.Apply(db.Rows.AsNoTracking(), r => r.Id).ToListAsync();
            var (items, next) = paging.Cut(rows, r => r.Id, r => r.Name);
            seen.AddRange(items);
            cursor = next;
            if (pages++ == 0) // a newer row arrives after the first page: it is not shown on a later page
            {
                db.Rows.Add(new Row { Id = Guid.CreateVersion7(start.AddSeconds(1)), Name = "late" });
                await db.SaveChangesAsync();
            }
        }
        while (cursor is not null);

        seen.ShouldBe(Enumerable.Range(0, 7).Reverse().Select(i => $"row {i}"));
        pages.ShouldBe(3);
    }

    [Theory]
    [InlineData(null, 0, "limit")]
    [InlineData(null, 101, "limit")]
    [InlineData("not-an-id", 10, "cursor")]
    public void A_bad_page_request_names_its_field(string? cursor, int limit, string field)
    {
        var problem = NewestFirst.Read(cursor, limit, 100, out _);
        problem.ShouldNotBeNull();
        problem.StatusCode.ShouldBe(StatusCodes.Status400BadRequest);
        problem.ProblemDetails.Errors.Keys.ShouldBe([field]);
    }
}
