using Bazaar.Ordering.Orders;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Email;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Ordering;

public sealed class OrderingDb(DbContextOptions<OrderingDb> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> Lines => Set<OrderLine>();
    public DbSet<OrderEvent> Events => Set<OrderEvent>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<OutboxEmail> Outbox => Set<OutboxEmail>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.MapEmailOutbox();
        model.Entity<Order>(e =>
        {
            e.ToTable("orders").HasKey(x => x.Id);
            e.Property(x => x.Number).ValueGeneratedOnAdd();
            e.Property(x => x.ShippingAddress).HasColumnType("jsonb");
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.Lines).WithOne().HasForeignKey(l => l.OrderId);
            e.HasMany(x => x.Events).WithOne().HasForeignKey(v => v.OrderId);
        });
        model.Entity<OrderLine>(e =>
        {
            e.ToTable("order_lines").HasKey(x => new { x.OrderId, x.Sku });
            e.Property(x => x.Options).HasColumnType("jsonb");
        });
        model.Entity<OrderEvent>(e =>
        {
            e.ToTable("order_events").HasKey(x => x.Id);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
        });
        model.Entity<IdempotencyRecord>().ToTable("idempotency_keys").HasKey(x => new { x.UserId, x.Key });
        model.UseSnakeCaseColumns();
    }
}
