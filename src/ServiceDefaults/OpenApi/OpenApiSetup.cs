using System.Text.Json;
using System.Text.Json.Serialization;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Bazaar.ServiceDefaults.OpenApi;

/// <summary>
/// The OpenAPI document every service serves at /openapi/v1.json, from which the storefront's TypeScript types are
/// generated (web/scripts/api-types.mjs). It must describe the JSON the service really reads and writes.
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddBazaarOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddSchemaTransformer(DescribeStrings));

    /// <summary>
    /// Strings go through <see cref="SafeStringConverter"/>, a custom converter the schema generator cannot see
    /// through, so it leaves them untyped. They are plain JSON strings (null where the property is nullable).
    /// </summary>
    static Task DescribeStrings(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo;
        if (type.Type == typeof(string) && schema.Type is null)
        {
            var nullable = context.JsonPropertyInfo is { } property && (property.IsGetNullable || property.IsSetNullable);
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (type.ElementType == typeof(string))
        {
            // string[] and lists of strings; dictionaries of strings (a variant's options, for example).
            var dictionary = type.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary;
            var element = dictionary ? schema.AdditionalProperties : schema.Items;
            if (element is OpenApiSchema { Type: null } untyped)
                untyped.Type = JsonSchemaType.String;
            else if (element is null && dictionary)
                schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
            else if (element is null)
                schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }
        return Task.CompletedTask;
    }

    /// <summary>Numbers are JSON numbers: "12" for a quantity is a 400, not a quiet conversion.</summary>
    internal static void UseStrictNumbers(JsonSerializerOptions options) => options.NumberHandling = JsonNumberHandling.Strict;
}
