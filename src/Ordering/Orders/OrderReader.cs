using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Ordering.Orders;

public static class OrderReader
{
    /// <summary>One order with lines and timeline; <paramref name="userId"/> limits it to that customer's own orders.</summary>
    public static async Task<OrderDto?> FindAsync(OrderingDb db, Guid orderId, Guid? userId, CancellationToken ct)
    {
        var query = db.Orders.AsNoTracking().Include(o => o.Lines).Include(o => o.Events).Where(o => o.Id == orderId);
        if (userId is { } owner)
            query = query.Where(o => o.UserId == owner); // another customer's order does not exist for this caller
        var order = await query.AsSingleQuery().FirstOrDefaultAsync(ct);
        return order is null ? null : ToDto(order);
    }

    public static OrderDto ToDto(Order o) => new(
        o.Id, o.Number, o.Status, o.Currency, o.Subtotal, o.Shipping, o.Tax, o.Total, o.Refunded, o.ShippingMethod,
        JsonSerializer.Deserialize<Address>(o.ShippingAddress, JsonSerializerOptions.Web)!, o.CardBrand, o.CardLast4, o.FailureReason,
        o.Carrier, o.TrackingNumber,
        [.. o.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new OrderLineDto(l.Sku, l.ProductId, l.Name,
            JsonSerializer.Deserialize<Dictionary<string, string>>(l.Options) ?? [], l.UnitPrice, l.Quantity, l.LineTotal))],
        [.. o.Events.OrderBy(e => e.Seq).Where(e => e.Type != "note").Select(e => new OrderEventDto(e.Type, e.Detail, e.Actor, e.CreatedAt))],
        o.CreatedAt, o.UpdatedAt, o.CancelRequestedAt, o.DeliveredAt);
}
