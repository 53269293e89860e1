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
        return Checked(reader.GetString());
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys are not read here (the serializer's own key reading is kept): a refused key would be reported
    // under a field path that ends in the key itself. Catalog, the one service taking maps, checks their keys itself.

    static string? Checked(string? value) =>
        value is not null && Refusal(value) is { } refusal ? throw new TextRefusedException(refusal) : value;

    /// <summary>
    /// Why no store takes this text, or null when it is fine. Also for text that comes other than as JSON (a form
    /// field), where a lone surrogate is not caught by the JSON reader.
    /// </summary>
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
        try
        {
            Check(document.RootElement);
        }
        catch (InvalidOperationException)
        {
            throw new TextRefusedException("Text must be valid Unicode.");
        }
        return document.RootElement.Clone();
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    static void Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Checked(element.GetString());
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Check(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Checked(property.Name);
                    Check(property.Value);
                }
                break;
        }
    }

    static void Checked(string? text)
    {
        if (text is not null && SafeStringConverter.Refusal(text) is { } refusal)
            throw new TextRefusedException(refusal);
    }
}

/// <summary>Text the body holds that no store takes: its message says why, and the 400 shows it (ProblemDetailsSetup).</summary>
public sealed class TextRefusedException(string message) : JsonException(message);
