using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Problems;

/// <summary>The problem answers handlers give, so every service words them alike.</summary>
public static class Problem
{
    internal const string FieldTitle = "The request has invalid fields";

    /// <summary>400 naming the field and what is wrong with it.</summary>
    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: FieldTitle);

    /// <summary>The same 400 as <see cref="Field"/>, for a handler whose refusals are <see cref="ProblemHttpResult"/> (a value checked against state read later, under a lock).</summary>
    public static ProblemHttpResult FieldProblem(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = FieldTitle,
        });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>Not now (another service or a queue could not take it): a 503 whose detail says what was and was not done.</summary>
    public static ProblemHttpResult Unavailable(string detail, string title = "Try again") =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);

    /// <summary>An edit that names no version: whole-resource edits say which version they were made from.</summary>
    public static ValidationProblem VersionMissing() =>
        Field("version", "Send the version you loaded, so a change made meanwhile is not overwritten.");

    /// <summary>An edit made from an older version of <paramref name="what"/> than the stored one (optimistic concurrency).</summary>
    public static ProblemHttpResult StaleVersion(string what, int current) =>
        Conflict($"Someone else changed this {what} since you loaded it (it is now at version {current}). Reload it and apply your change again.");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in", detail: detail);

    public static ProblemHttpResult Status(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    /// <summary>
    /// The body a problem answer gets, as text, completed like every other (type, instance, trace id, camelCase field
    /// names): for an answer that is stored and replayed later, such as a checkout's under its Idempotency-Key.
    /// </summary>
    public static string Body(HttpContext http, ProblemDetails problem)
    {
        http.RequestServices.GetRequiredService<IOptions<ProblemDetailsOptions>>().Value.CustomizeProblemDetails?.Invoke(
            new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        return JsonSerializer.Serialize(problem, problem.GetType(), JsonSerializerOptions.Web);
    }
}
