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
        if (value is not null && Refusal(value) is { } refusal)
            throw new JsonException(refusal);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Why no store takes this text, or null when it is fine: for text that comes other than as JSON (a form field).</summary>
    public static string? Refusal(string value)
    {
        if (value.Contains('\0'))
            return "Text must not contain the NUL character.";
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                i++;
            else if (char.IsSurrogate(value[i]))
                return "Text contains an incomplete Unicode character.";
        }
        return null;
    }
}

/// <summary>
/// The same rule for free-form JSON a request carries (a risk rule's parameters): every string and property name in
/// it. The reader takes an escape such as <c>\ud800</c> as it comes and throws only when the string is read, which
/// would otherwise happen later, far from the request, as a 500.
/// </summary>
public sealed class SafeJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        Check(document.RootElement);
        return document.RootElement.Clone();
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    static void Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                CheckText(element.GetString);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Check(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CheckText(() => property.Name);
                    Check(property.Value);
                }
                break;
        }
    }

    static void CheckText(Func<string?> read)
    {
        string? text;
        try
        {
            text = read();
        }
        catch (InvalidOperationException)
        {
            throw new JsonException("Text must be valid Unicode.");
        }
        if (text is not null && SafeStringConverter.Refusal(text) is { } refusal)
            throw new JsonException(refusal);
    }
}
