using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bazaar.ServiceDefaults.Problems;

/// <summary>
/// Refuses text that no store accepts: PostgreSQL cannot hold U+0000, and a lone surrogate is not text at all.
/// Failing here turns such input into a 400 naming the field instead of a 500 from the database.
/// </summary>
public sealed class SafeStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("Expected a string.");
        var value = reader.GetString();
        if (value is null)
            return null;
        if (value.Contains('\0'))
            throw new JsonException("Text must not contain the NUL character.");
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                throw new JsonException("Text contains an incomplete Unicode character.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
