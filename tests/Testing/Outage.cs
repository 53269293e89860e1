namespace Bazaar.Testing;

/// <summary>
/// Sits in front of another service's test server: a call <paramref name="down"/> matches fails as a refused connection
/// would (it never reaches the service); one <paramref name="answerLost"/> matches is carried out, and its answer lost
/// on the way back (a reset connection).
/// </summary>
public sealed class Outage(HttpMessageHandler inner, Func<HttpRequestMessage, bool> down, Func<HttpRequestMessage, bool>? answerLost = null) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (down(request))
            throw new HttpRequestException("connection refused (test outage)");
        var response = await base.SendAsync(request, ct);
        if (answerLost?.Invoke(request) == true)
        {
            response.Dispose();
            throw new HttpRequestException("connection reset before the answer arrived (test outage)");
        }
        return response;
    }
}
