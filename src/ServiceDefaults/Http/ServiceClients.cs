using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bazaar.ServiceDefaults.Http;

public sealed class ServiceAuthOptions
{
    public string TokenUri { get; set; } = "http://127.0.0.1:5101/api/v1/auth/token";
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
}

public sealed class ServiceClientOptions
{
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public int MaxRetries { get; set; } = 3;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}

public static class ServiceClients
{
    /// <summary>
    /// A typed client for another Bazaar service, found at <c>Services:{serviceName}</c>: timeouts per attempt and
    /// overall, retries with jittered backoff for idempotent requests only, and the service token on <c>/internal/*</c>.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, string serviceName, Action<ServiceClientOptions>? configure = null)
        where TClient : class
    {
        var options = new ServiceClientOptions();
        configure?.Invoke(options);
        return services.AddHttpClient<TClient>((sp, http) =>
            {
                var address = sp.GetRequiredService<IConfiguration>()[$"Services:{serviceName}"]
                    ?? throw new InvalidOperationException($"Services:{serviceName} (the address of the {serviceName} service) is not configured.");
                http.BaseAddress = new Uri(address.TrimEnd('/') + "/");
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler owns the timeouts
            })
            .AddHttpMessageHandler(() => new ResilienceHandler(options))
            .AddHttpMessageHandler(sp => new ServiceTokenHandler(sp.GetRequiredService<IServiceTokenSource>()));
    }

    /// <summary>
    /// Whether a call's exception means the other service gave no answer (the connection was refused or reset, or the
    /// resilience handler's timeout passed) rather than that the caller gave up (<paramref name="ct"/> cancelled).
    /// </summary>
    public static bool IsNoAnswer(Exception e, CancellationToken ct) =>
        e is HttpRequestException or TaskCanceledException or TimeoutRejectedException && !ct.IsCancellationRequested;

    /// <summary>
    /// Whether another service's answer says nothing about the request itself, so the caller treats it as no answer: a
    /// failure or overload on the way (5xx, 408, 429), or this service's token turned away before the request was
    /// considered (401, 403: while signing keys rotate, or with a wrong client secret, which the ServiceCallsRefused
    /// alert reports). Only what the other service decided about the request (400, 404, 409, 422) is an answer.
    /// </summary>
    public static bool IsNoAnswer(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    internal static void AddServiceTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ServiceAuthOptions>(configuration.GetSection("ServiceAuth"));
        services.AddHttpClient<ServiceTokenProvider>(http => http.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<IServiceTokenSource>(sp => sp.GetRequiredService<ServiceTokenProvider>());
    }
}

/// <summary>
/// Retries only what is safe to repeat: GET/HEAD/PUT/DELETE/OPTIONS, a request with an <c>Idempotency-Key</c>, or one
/// marked <see cref="ReadOnly"/>.
/// </summary>
public sealed class ResilienceHandler : DelegatingHandler
{
    /// <summary>Marks a POST that only reads (a question too big for a URL, such as pricing a list of SKUs): safe to repeat.</summary>
    public static readonly HttpRequestOptionsKey<bool> ReadOnly = new("Bazaar.ReadOnly");

    readonly ResiliencePipeline<HttpResponseMessage> _retrying;
    readonly ResiliencePipeline<HttpResponseMessage> _once;

    public ResilienceHandler(ServiceClientOptions options)
    {
        _retrying = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(IsTransient),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
        _once = new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(options.TotalTimeout).Build();
    }

    public static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError;

    public static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Put
        || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Options
        || request.Headers.Contains(IdempotencyKey.Header) || request.Options.TryGetValue(ReadOnly, out var readOnly) && readOnly;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = IsIdempotent(request) ? _retrying : _once;
        return await pipeline.ExecuteAsync(async ct => await base.SendAsync(request, ct), cancellationToken);
    }
}

/// <summary>Where a service gets the token it shows on <c>/internal/*</c> calls.</summary>
public interface IServiceTokenSource
{
    Task<string> GetTokenAsync(CancellationToken ct);

    /// <summary>A service turned <paramref name="token"/> away (401): the next <see cref="GetTokenAsync"/> gets a new one.</summary>
    void Refused(string token) { }
}

/// <summary>
/// Attaches the service's own client-credentials token to calls of <c>/internal/*</c> routes. A call refused with 401
/// is sent once more with a new token: the one kept may be signed with a key identity no longer publishes (keys
/// rotated, identity restored), which the callee can never accept however often it fetches the key set.
/// </summary>
public sealed class ServiceTokenHandler(IServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !(uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString).TrimStart('/').StartsWith("internal/", StringComparison.Ordinal))
            return await base.SendAsync(request, cancellationToken);
        var token = await tokens.GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;
        tokens.Refused(token);
        var renewed = await tokens.GetTokenAsync(cancellationToken);
        if (renewed == token)
            return response;
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Gets (and caches until shortly before it expires) this service's token from identity, OAuth 2 client credentials.</summary>
public sealed class ServiceTokenProvider(HttpClient http, IOptions<ServiceAuthOptions> options, TimeProvider clock) : IServiceTokenSource
{
    readonly SemaphoreSlim _gate = new(1, 1);
    string? _token;
    DateTimeOffset _issuedAt;
    DateTimeOffset _renewAt;

    public async Task<string> GetTokenAsync(CancellationToken ct)
    {
        if (_token is not null && clock.GetUtcNow() < _renewAt)
            return _token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_token is not null && clock.GetUtcNow() < _renewAt)
                return _token;
            var settings = options.Value;
            if (string.IsNullOrEmpty(settings.ClientId) || string.IsNullOrEmpty(settings.ClientSecret))
                throw new InvalidOperationException("ServiceAuth:ClientId and ServiceAuth:ClientSecret must be configured to call internal routes.");
            using var response = await http.PostAsync(settings.TokenUri, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret,
                ["scope"] = "internal",
            }), ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(ct) ?? throw new InvalidOperationException("Identity returned no token.");
            _token = body.AccessToken;
            _issuedAt = clock.GetUtcNow();
            _renewAt = _issuedAt + TimeSpan.FromSeconds(Math.Max(1, body.ExpiresIn - 60));
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Renews a refused token on the next call, once however many calls were refused with it. Not one issued in the last
    /// <see cref="MinAgeToRenew"/>: a refusal of a fresh token has another cause (a wrong audience or role), which a new
    /// token would not cure, and each call would fetch one from identity.
    /// </summary>
    public void Refused(string token)
    {
        if (_token == token && clock.GetUtcNow() - _issuedAt >= MinAgeToRenew)
            _renewAt = DateTimeOffset.MinValue;
    }

    public static readonly TimeSpan MinAgeToRenew = TimeSpan.FromSeconds(30);

    sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
