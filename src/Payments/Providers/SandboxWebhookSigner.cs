using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bazaar.Payments.Providers;

/// <summary>
/// Signs and verifies the sandbox's webhooks: header <c>Bazaar-Sandbox-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>,
/// where v1 is HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;"). The timestamp inside the signed text stops a captured
/// delivery from being replayed later than the tolerance.
/// </summary>
public sealed class SandboxWebhookSigner(IOptions<PaymentsOptions> options)
{
    public const string HeaderName = "Bazaar-Sandbox-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public string Sign(string payload, DateTimeOffset t)
    {
        var unix = t.ToUnixTimeSeconds();
        return $"t={unix.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(unix, payload))}";
    }

    /// <summary>True when the header carries a valid signature of this payload made within the tolerance of <paramref name="now"/>.</summary>
    public bool Verify(string? header, string payload, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 1024)
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

        var expected = Compute(unix.Value, payload);
        var valid = false;
        foreach (var signature in signatures)
        {
            if (signature.Length != expected.Length * 2 || !IsHex(signature))
                continue;
            // Constant time, and every candidate is checked, so timing says nothing about which byte differed.
            valid |= CryptographicOperations.FixedTimeEquals(Convert.FromHexString(signature), expected);
        }
        return valid;
    }

    byte[] Compute(long unix, string payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Sandbox.WebhookSecret),
            Encoding.UTF8.GetBytes(unix.ToString(CultureInfo.InvariantCulture) + "." + payload));

    static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);
}
