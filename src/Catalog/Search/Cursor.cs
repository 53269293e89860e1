using System.Text;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;

namespace Bazaar.Catalog.Search;

/// <summary>
/// Where the next page starts: the last row's sort value and id (keyset pagination), opaque to clients. It names its
/// sort so that a cursor from one ordering is never applied to another.
/// </summary>
public sealed record Cursor(string Sort, string Value, Guid Id)
{
    public string Encode() => Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new[] { Sort, Value, Id.ToString("N") }));

    public static Cursor? Decode(string text)
    {
        if (text.Length > 200 || Base64Url.Decode(text) is not { } bytes)
            return null;
        try
        {
            return JsonSerializer.Deserialize<string?[]>(bytes) is [{ } sort, { } value, { } id] && Guid.TryParse(id, out var guid)
                ? new Cursor(sort, value, guid)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
