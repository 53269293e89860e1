using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bazaar.ServiceDefaults.Problems;

/// <summary>RFC 9457 problem details on every error path, each carrying the trace id.</summary>
public static class ProblemDetailsSetup
{
    public static void AddBazaarProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Instance ??= context.HttpContext.Request.Path;
            if (problem is HttpValidationProblemDetails validation)
                CamelCaseFieldNames(validation);
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            if (problem.Status == StatusCodes.Status404NotFound && problem.Detail is null)
                problem.Detail = "There is nothing at this address.";
            if (problem.Status == StatusCodes.Status405MethodNotAllowed && problem.Detail is null)
                problem.Detail = $"{context.HttpContext.Request.Method} is not allowed here.";
            if (problem.Status == StatusCodes.Status415UnsupportedMediaType && problem.Detail is null)
                problem.Detail = "Send the request body as application/json.";
            if (problem.Status == StatusCodes.Status401Unauthorized && problem.Detail is null)
                problem.Detail = "Sign in, or send a valid access token.";
            if (problem.Status == StatusCodes.Status403Forbidden && problem.Detail is null)
                problem.Detail = "Your account is not allowed to do this.";
        });
        services.AddExceptionHandler<BazaarExceptionHandler>();
        // Binding failures (malformed JSON, wrong content type, oversized body) are thrown so they get a problem body too.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
    }

    /// <summary>Field names in errors follow the JSON the client sent (camelCase), whoever produced them.</summary>
    static void CamelCaseFieldNames(HttpValidationProblemDetails problem)
    {
        // Only member names are camel-cased; a header such as Cart-Id keeps its spelling.
        static string Convert(string part) => part.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '[' or ']') ? JsonNamingPolicy.CamelCase.ConvertName(part) : part;
        var renamed = problem.Errors.ToDictionary(e => string.Join('.', e.Key.Split('.').Select(Convert)), e => e.Value);
        problem.Errors.Clear();
        foreach (var (field, messages) in renamed)
            problem.Errors[field] = messages;
        if (problem.Title == "One or more validation errors occurred.")
            problem.Title = Problem.FieldTitle;
    }

    public static void UseBazaarProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RefuseNulInUrl);
    }

    /// <summary>
    /// A NUL character in the path or query cannot be stored or compared by PostgreSQL; refuse it up front with a 400
    /// (bodies are guarded by <see cref="SafeStringConverter"/>).
    /// </summary>
    static async Task RefuseNulInUrl(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        var hasNul = request.Path.Value?.Contains('\0') == true
                     || request.Query.Any(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true));
        if (!hasNul)
        {
            await next();
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The address is not valid",
                Detail = "The address or its query contains a NUL character.",
            },
        });
    }
}

/// <summary>
/// Turns exceptions into problem details: a client's mistake keeps its 4xx status and says what was wrong;
/// anything else is a 500 that says nothing about the internals outside Development.
/// </summary>
sealed class BazaarExceptionHandler(IProblemDetailsService problems, IHostEnvironment environment, ILogger<BazaarExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            // The form reader's limits (key, value or count too large) and malformed multipart bodies.
            InvalidDataException invalid => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The form data is not valid", Detail = invalid.Message },
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "Client closed request" },
            // Another service, Redis or PostgreSQL did not answer (after the service client's retries, or a
            // connection that could not be made): nothing is wrong with the request, and trying again later may work.
            // A 503 says so; a 500 would page someone for a neighbour.
            HttpRequestException or Polly.Timeout.TimeoutRejectedException or Redis.RedisUnavailableException => Unavailable(httpContext, exception),
            // Redis answered but refuses for now: full (the state Redis never evicts), failing over, loading.
            Redis.RedisServerException { IsTransient: true } => Unavailable(httpContext, exception),
            Npgsql.NpgsqlException { IsTransient: true } => Unavailable(httpContext, exception),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on our side",
                Detail = environment.IsDevelopment() ? exception.ToString() : "The error has been logged; try again later.",
            };
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    ProblemDetails Unavailable(HttpContext httpContext, Exception exception)
    {
        logger.LogWarning(exception, "A dependency did not answer on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = "5";
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Temporarily unavailable",
            Detail = "Something this service depends on did not answer; try again in a moment.",
        };
    }

    static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        var problem = new ProblemDetails { Status = bad.StatusCode };
        switch (bad.InnerException)
        {
            case JsonException json:
                problem.Title = "The request body is not valid JSON";
                problem.Detail = json.Path is { Length: > 1 }
                    ? $"The value at '{json.Path.TrimStart('$', '.')}' could not be read{LineInfo(json)}."
                    : $"The body could not be read as JSON{LineInfo(json)}.";
                if (json.Path is { Length: > 1 })
                    problem.Extensions["errors"] = new Dictionary<string, string[]>
                    {
                        [json.Path.TrimStart('$', '.')] = [json is TextRefusedException ? json.Message : "This value has the wrong type or format."],
                    };
                break;
            default:
                problem.Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                    _ => "The request is not valid",
                };
                problem.Detail = bad.Message;
                break;
        }
        return problem;
    }

    static string LineInfo(JsonException json) =>
        json.LineNumber is { } line ? $" (line {line + 1}, position {json.BytePositionInLine + 1})" : "";
}
