using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Risk;

/// <summary>Risk's database; the schema comes from the SQL files in Migrations/. The assessment hot path uses Dapper on the same data source.</summary>
public sealed class RiskDb(DbContextOptions<RiskDb> options) : DbContext(options)
{
    public DbSet<RuleRow> Rules => Set<RuleRow>();
    public DbSet<Assessment> Assessments => Set<Assessment>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<RuleRow>(e =>
        {
            e.ToTable("risk_rules").HasKey(x => x.Id);
            e.Property(x => x.Parameters).HasColumnType("jsonb");
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        model.Entity<Assessment>(e =>
        {
            e.ToTable("risk_assessments").HasKey(x => x.Id);
            e.Property(x => x.Reasons).HasColumnType("jsonb");
            e.Property(x => x.Input).HasColumnType("jsonb");
        });
        model.UseSnakeCaseColumns();
    }
}
