using System.Diagnostics.CodeAnalysis;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

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
}
