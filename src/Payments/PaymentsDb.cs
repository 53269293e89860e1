using Bazaar.Payments.Payments;
using Bazaar.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Payments;

/// <summary>
/// Payments' database; the schema comes from the SQL files in Migrations/. Reads go through EF; every write that must
/// hold under concurrency (one payment per order, amounts within limits) is a conditional SQL statement with Dapper.
/// The sandbox provider's tables are its own and are not mapped here.
/// </summary>
public sealed class PaymentsDb(DbContextOptions<PaymentsDb> options) : DbContext(options)
{
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentTransaction> Transactions => Set<PaymentTransaction>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Payment>(e =>
        {
            e.ToTable("payments").HasKey(x => x.Id);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        model.Entity<PaymentTransaction>(e =>
        {
            e.ToTable("payment_transactions").HasKey(x => x.Id);
            e.HasOne<Payment>().WithMany().HasForeignKey(x => x.PaymentId);
        });
        model.UseSnakeCaseColumns();
    }
}
