using System.Security.Cryptography;
using System.Text;

namespace Bazaar.Ordering.Clients;

/// <summary>The Idempotency-Key of a call another service must see once: the same text always gives the same key.</summary>
public static class CallKeys
{
    /// <param name="what">what the call does and to which order, e.g. <c>refund:{orderId}:{refunded}:{declined}:{amount}</c></param>
    public static Guid For(string what) => new(SHA256.HashData(Encoding.UTF8.GetBytes(what)).AsSpan(0, 16));
}
