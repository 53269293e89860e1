using Bazaar.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class IdempotencyKeyTests
{
    static ValidationProblem Problem(string? key, string once)
    {
        IdempotencyKey.Refuses(key, once, out var problem).ShouldBeTrue();
        return problem;
    }

    [Theory]
    [InlineData("3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f")]
    [InlineData("order-1")]
    [InlineData("k")]
    public void A_key_of_visible_ascii_is_taken(string key) => IdempotencyKey.Refuses(key, "x is done once per key", out _).ShouldBeFalse();

    [Fact]
    public void The_longest_key_is_taken_and_one_more_character_is_not()
    {
        IdempotencyKey.Refuses(new string('k', IdempotencyKey.MaxLength), "x", out _).ShouldBeFalse();
        Problem(new string('k', IdempotencyKey.MaxLength + 1), "x").ProblemDetails.Errors["Idempotency-Key"].Single().ShouldContain("1 to 200 visible ASCII characters");
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("tab\tkey")]
    [InlineData("schlüssel")]
    [InlineData(" ")]
    public void A_key_with_spaces_control_or_other_characters_is_named(string key) =>
        Problem(key, "x").ProblemDetails.Errors.Keys.ShouldBe(["Idempotency-Key"]);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_key_is_named_with_what_it_makes_happen_once(string? key) =>
        Problem(key, "a refund is made once per key").ProblemDetails.Errors["Idempotency-Key"].Single()
            .ShouldBe("Send an Idempotency-Key header that is new for each attempt: a refund is made once per key.");
}
