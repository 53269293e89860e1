using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Inventory;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Reviews;
using Bazaar.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Catalog;

/// <summary>Catalog's database; the schema comes from the SQL files in Migrations/. Hot reads use Dapper on the same data source.</summary>
public sealed class CatalogDb(DbContextOptions<CatalogDb> options) : DbContext(options)
{
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Variant> Variants => Set<Variant>();
    public DbSet<ProductImage> Images => Set<ProductImage>();
    public DbSet<StockItem> Stock => Set<StockItem>();
    public DbSet<StockAdjustment> StockAdjustments => Set<StockAdjustment>();
    public DbSet<Review> Reviews => Set<Review>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Category>().ToTable("categories").HasKey(x => x.Id);
        model.Entity<Product>(e =>
        {
            e.ToTable("products").HasKey(x => x.Id);
            e.Property(x => x.Attributes).HasColumnType("jsonb");
            e.Property(x => x.RatingAverage).ValueGeneratedOnAddOrUpdate();
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.Variants).WithOne().HasForeignKey(v => v.ProductId);
            e.HasMany(x => x.Images).WithOne().HasForeignKey(i => i.ProductId);
        });
        model.Entity<Variant>(e =>
        {
            e.ToTable("variants").HasKey(x => x.Sku);
            e.Property(x => x.Options).HasColumnType("jsonb");
        });
        model.Entity<ProductImage>().ToTable("product_images").HasKey(x => x.Id);
        model.Entity<StockItem>(e =>
        {
            e.ToTable("stock").HasKey(x => x.Sku);
            // Declared so EF inserts a variant before its stock row, and stock before its history.
            e.HasOne<Variant>().WithOne().HasForeignKey<StockItem>(x => x.Sku).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<StockAdjustment>(e =>
        {
            e.ToTable("stock_adjustments").HasKey(x => x.Id);
            e.HasOne<StockItem>().WithMany().HasForeignKey(x => x.Sku).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Review>().ToTable("reviews").HasKey(x => x.Id);
        model.UseSnakeCaseColumns();
    }
}
