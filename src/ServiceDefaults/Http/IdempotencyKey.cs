using System.Diagnostics.CodeAnalysis;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace Bazaar.ServiceDefaults.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header of a request that must take effect once however often it is sent (a checkout, a
/// capture, a refund, a stock adjustment): the client makes one key per attempt and sends it again with every retry of
/// that attempt. Every service accepts the same keys and words a bad one alike.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>A UUID takes 36; the rest leaves room for a client's own scheme.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Whether <paramref name="key"/> is missing or unusable, with the 400 that names the header. <paramref name="once"/>
    /// says what the key makes happen once, for the message when it is missing ("a refund is made once per key").
    /// </summary>
    public static bool Refuses([NotNullWhen(false)] string? key, string once, [NotNullWhen(true)] out ValidationProblem? problem)
    {
        problem = string.IsNullOrEmpty(key) ? Problem.Field(Header, $"Send an {Header} header that is new for each attempt: {once}.")
            : key.Length > MaxLength || key.Any(c => c is < '!' or > '~') ? Problem.Field(Header, $"The {Header} header is 1 to {MaxLength} visible ASCII characters.")
            : null;
        return problem is not null;
    }

    public const string ReusedTitle = "Idempotency-Key reused";

    /// <summary>Why a key sent again with a different request is refused; <paramref name="usedFor"/> says what it was used for.</summary>
    public static string ReusedDetail(string usedFor) => $"This {Header} was already used for {usedFor}. Send a new key for a new attempt.";

    /// <summary>The 422 for a key sent again with a different request.</summary>
    public static ProblemHttpResult Reused(string usedFor) => Problem.Status(StatusCodes.Status422UnprocessableEntity, ReusedTitle, ReusedDetail(usedFor));

    /// <summary>
    /// Describes the header in the endpoint's OpenAPI operation as required, with the rule <see cref="Refuses"/> holds
    /// it to. The handler reads the header itself (to word its own 400), so the generator would otherwise list it as
    /// optional, or not at all.
    /// </summary>
    public static TBuilder RequiresIdempotencyKey<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            var existing = operation.Parameters.FirstOrDefault(p => p.In == ParameterLocation.Header && string.Equals(p.Name, Header, StringComparison.OrdinalIgnoreCase));
            if (existing is not null)
                operation.Parameters.Remove(existing);
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Header,
                In = ParameterLocation.Header,
                Required = true,
                Description = "New for each attempt and sent again with every retry of it: a repeat answers as the first did.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = MaxLength, Pattern = "^[!-~]+$" },
            });
            return Task.CompletedTask;
        });
}
