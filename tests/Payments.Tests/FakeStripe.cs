using System.Text;

namespace Bazaar.Payments.Tests;

/// <summary>Stands in for Stripe's API: records each request and answers in the shapes Stripe's API reference documents.</summary>
public sealed class FakeStripe : HttpMessageHandler
{
    readonly Lock gate = new();

    public List<(HttpMethod Method, string PathAndQuery, Dictionary<string, string> Form, HttpRequestMessage Request)> Calls { get; } = [];

    public Func<HttpRequestMessage, (HttpStatusCode, string)> Answer { get; set; } = _ => (HttpStatusCode.OK, "{}");

    /// <summary>A PaymentIntent as Stripe answers it.</summary>
    public static string Intent(string id, string status, string? lastError = null) =>
        $$"""{"id":"{{id}}","object":"payment_intent","status":"{{status}}","amount":12345,"currency":"eur","last_payment_error":{{lastError ?? "null"}}}""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var form = request.Content is null ? [] : (await request.Content.ReadAsStringAsync(ct)).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        lock (gate)
            Calls.Add((request.Method, request.RequestUri!.PathAndQuery, form, request));
        var (status, body) = Answer(request);
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
