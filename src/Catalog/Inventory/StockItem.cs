namespace Bazaar.Catalog.Inventory;

public sealed class StockItem
{
    public string Sku { get; init; } = "";
    public Guid ProductId { get; init; }
    public int OnHand { get; set; }
    public int Reserved { get; set; }
    public int LowStockThreshold { get; set; } = 5;
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class StockAdjustment
{
    public Guid Id { get; init; }
    public string Sku { get; init; } = "";
    public int Delta { get; init; }
    public int OnHandAfter { get; init; }
    public string Reason { get; init; } = "";
    public string Actor { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What a shopper sees of stock: whether a variant can be bought, not how many are left.</summary>
public static class Availability
{
    public const string InStock = "in_stock";
    public const string LowStock = "low_stock";
    public const string OutOfStock = "out_of_stock";

    public static string Of(int available, int lowStockThreshold) =>
        available <= 0 ? OutOfStock : available <= lowStockThreshold ? LowStock : InStock;
}
