using System.Net;

namespace Bazaar.ServiceDefaults.Tests;

/// <summary>An HTTP peer scripted by the test: answers in turn, and records what it was sent.</summary>
sealed class StubHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        var answer = answers[Math.Min(Requests.Count - 1, answers.Length - 1)];
        return Task.FromResult(answer(request));
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Status(HttpStatusCode status, string body = "") =>
        _ => new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
}
