using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bazaar.Payments.Providers;

/// <summary>
/// Stripe's webhook signature scheme (https://docs.stripe.com/webhooks#verify-manually), which the sandbox uses too:
/// a header <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=…]</c>, where v1 is HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;").
/// The timestamp inside the signed text stops a captured delivery from being replayed later than the tolerance; more
/// than one v1 is allowed while a secret is being rolled.
/// </summary>
public static class WebhookSignature
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string payload, DateTimeOffset t)
    {
        var unix = t.ToUnixTimeSeconds();
        return $"t={unix.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, unix, payload))}";
    }

    /// <summary>True when the header carries a valid signature of this payload made within the tolerance of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, string payload, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrWhiteSpace(header) || header.Length > 1024)
            return false;
        long? unix = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var name = part[..equals];
            var value = part[(equals + 1)..];
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                unix = parsed;
            else if (name == "v1")
                signatures.Add(value);
        }
        if (unix is null || signatures.Count == 0 || unix.Value > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(unix.Value)).Duration() > (tolerance ?? Tolerance))
            return false;

        var expected = Compute(secret, unix.Value, payload);
        var valid = false;
        foreach (var signature in signatures)
        {
            if (signature.Length != expected.Length * 2 || !signature.All(char.IsAsciiHexDigit))
                continue;
            // Constant time, and every candidate is checked, so timing says nothing about which byte differed.
            valid |= CryptographicOperations.FixedTimeEquals(Convert.FromHexString(signature), expected);
        }
        return valid;
    }

    static byte[] Compute(string secret, long unix, string payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(unix.ToString(CultureInfo.InvariantCulture) + "." + payload));
}
