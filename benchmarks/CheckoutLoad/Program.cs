// Checkout load: concurrent buyers through the edge, each putting one item in the cart and checking out, for a while.
// Measures orders/s and the latency of POST /api/v1/orders, and the SQL all services ran per order: statements as
// PostgreSQL counts them (pg_stat_statements, when BENCH_POSTGRES names a superuser connection string) and commands
// (round trips) as each service's Npgsql counts them.
//   dotnet run -c Release -- <edge-url> <admin-email> <admin-password> <buyers> <seconds> <metrics-url>...
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

if (args.Length < 6)
{
    Console.Error.WriteLine("usage: CheckoutLoad <edge-url> <admin-email> <admin-password> <buyers> <seconds> <metrics-url>...");
    return 2;
}
var edge = new Uri(args[0].TrimEnd('/') + "/");
var buyers = int.Parse(args[3], CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
var metricsUrls = args[5..];
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = buyers * 2 }) { BaseAddress = edge, Timeout = TimeSpan.FromSeconds(30) };

async Task<JsonElement> Send(HttpMethod method, string path, string? token = null, object? body = null, string? key = null)
{
    using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
    if (token is not null)
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (key is not null)
        request.Headers.Add("Idempotency-Key", key);
    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
}

async Task<string> Login(string email, string password) =>
    (await Send(HttpMethod.Post, "api/v1/auth/login", body: new { email, password })).GetProperty("accessToken").GetString()!;

// Setup: the admin opens the way (risk rules off: one card and one address would trip every velocity rule), a product
// with plenty of stock, and the buyers' accounts.
var admin = await Login(args[1], args[2]);
foreach (var rule in (await Send(HttpMethod.Get, "api/v1/admin/risk/rules", admin)).EnumerateArray())
    await Send(HttpMethod.Delete, $"api/v1/admin/risk/rules/{rule.GetProperty("id").GetString()}", admin);
// One hot SKU for everyone (a flash sale: every reservation queues on one stock row), or a SKU per buyer (ordinary traffic).
var hot = Environment.GetEnvironmentVariable("BENCH_HOT_SKU") == "1";
var listing = await Send(HttpMethod.Get, $"api/v1/products?sort=price_asc&limit={(hot ? 1 : buyers)}&inStock=true");
var skus = new List<string>();
foreach (var item in listing.GetProperty("items").EnumerateArray())
{
    var sku = (await Send(HttpMethod.Get, $"api/v1/products/{item.GetProperty("slug").GetString()}")).GetProperty("variants")[0].GetProperty("sku").GetString()!;
    await Send(HttpMethod.Post, $"api/v1/admin/inventory/{sku}/adjustments", admin, new { delta = 1_000_000, reason = "checkout benchmark" }, key: Guid.NewGuid().ToString());
    skus.Add(sku);
}
// The storefront turns the card into a token at the payments sandbox for each checkout; by default the buyers share one
// token made here (a saved card), BENCH_CARD_PER_ORDER=1 makes one per order as a new card would.
async Task<string> CardToken() =>
    (await Send(HttpMethod.Post, "api/v1/payments/sandbox/tokens", body: new { number = "4242424242424242", expMonth = 12, expYear = 2035, cvc = "123" }))
    .GetProperty("token").GetString()!;
var cardPerOrder = Environment.GetEnvironmentVariable("BENCH_CARD_PER_ORDER") == "1";
var card = await CardToken();
var tokens = new List<string>();
for (var i = 0; i < buyers; i++)
{
    // One at a time, under the edge's limit of 10 sign-in requests a second per address.
    var email = $"bench-{Guid.NewGuid():N}@bazaar.test";
    await Send(HttpMethod.Post, "api/v1/auth/register", body: new { email, password = "Bench-Mark-2026!", displayName = $"Buyer {i}" });
    await Task.Delay(150);
    tokens.Add(await Login(email, "Bench-Mark-2026!"));
    await Task.Delay(150);
}

async Task<Dictionary<string, double>> SqlCommands()
{
    var byService = new Dictionary<string, double>();
    foreach (var url in metricsUrls)
        foreach (var line in (await http.GetStringAsync(url)).Split('\n'))
            if (line.StartsWith("db_client_operation_duration_seconds_count", StringComparison.Ordinal))
                byService[url] = byService.GetValueOrDefault(url) + double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    return byService;
}

// Every statement any database ran, less transaction control (BEGIN, COMMIT, ROLLBACK, which are not statements of the
// work) and this reading itself.
var postgres = Environment.GetEnvironmentVariable("BENCH_POSTGRES");
// The sandbox provider's statements (its sandbox_* tables stand in for the card network, which in production keeps its
// state at the provider) are counted among them, and also on their own.
async Task<(long All, long Sandbox)?> SqlStatements()
{
    if (string.IsNullOrEmpty(postgres))
        return null;
    await using var connection = new Npgsql.NpgsqlConnection(postgres);
    await connection.OpenAsync();
    await using (var create = new Npgsql.NpgsqlCommand("create extension if not exists pg_stat_statements", connection))
        await create.ExecuteNonQueryAsync();
    await using var sum = new Npgsql.NpgsqlCommand(
        "select coalesce(sum(calls), 0)::bigint, coalesce(sum(calls) filter (where query ~ '\\msandbox_'), 0)::bigint from pg_stat_statements " +
        "where query !~* '^\\s*(begin|commit|rollback|start transaction)' and query !~ 'pg_stat_statements'",
        connection);
    await using var reader = await sum.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (reader.GetInt64(0), reader.GetInt64(1));
}

// CPU by process over the measured window, from Linux's /proc (clock ticks of 10 ms): where an order's CPU goes. The
// services are told apart by their assembly name; PostgreSQL, Redis and nginx by their process name.
static Dictionary<string, long> CpuTicks()
{
    var byProcess = new Dictionary<string, long>();
    if (!OperatingSystem.IsLinux())
        return byProcess;
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (!int.TryParse(Path.GetFileName(dir), out var pid))
            continue;
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var comm = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
            var command = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            var service = System.Text.RegularExpressions.Regex.Match(command, @"Bazaar\.(Identity|Catalog|Cart|Ordering|Payments|Risk)\b");
            var name = pid == Environment.ProcessId ? "load generator"
                : service.Success ? service.Groups[1].Value.ToLowerInvariant()
                : comm is "postgres" or "redis-server" or "nginx" ? comm
                : "other";
            byProcess[name] = byProcess.GetValueOrDefault(name) + ticks;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // the process ended while being read
        }
    }
    return byProcess;
}

var address = new { name = "Bench Buyer", line1 = "Hauptstr. 1", city = "Berlin", postalCode = "10115", country = "DE" };
var latencies = new ConcurrentBag<double>();
var outcomes = new ConcurrentDictionary<string, int>();
var failures = 0;
var errors = new ConcurrentDictionary<string, int>();

async Task Buy(string token, string sku, DateTime until)
{
    while (DateTime.UtcNow < until)
    {
        try
        {
            var paymentToken = cardPerOrder ? await CardToken() : card;
            await Send(HttpMethod.Put, $"api/v1/cart/items/{sku}", token, new { quantity = 1 });
            var watch = Stopwatch.StartNew();
            var order = await Send(HttpMethod.Post, "api/v1/orders", token, new { shippingAddress = address, shippingMethod = "standard", paymentToken }, Guid.NewGuid().ToString());
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            outcomes.AddOrUpdate(order.GetProperty("status").GetString()!, 1, (_, n) => n + 1);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref failures);
            errors.AddOrUpdate(e.Message.Length > 120 ? e.Message[..120] : e.Message, 1, (_, n) => n + 1);
        }
    }
}

// Warm up, then measure. A fresh platform spends its first minute under load compiling hot code again (tiered JIT,
// on the same two cores as the load): BENCH_WARMUP_SECONDS (default 60) keeps that out of the steady-state figures.
var warmup = int.Parse(Environment.GetEnvironmentVariable("BENCH_WARMUP_SECONDS") ?? "60", CultureInfo.InvariantCulture);
await Task.WhenAll(tokens.Select((t, i) => Buy(t, skus[i % skus.Count], DateTime.UtcNow.AddSeconds(warmup))));
latencies.Clear();
outcomes.Clear();
failures = 0;
errors.Clear();
var sqlBefore = await SqlCommands();
var statementsBefore = await SqlStatements();
var cpuBefore = CpuTicks();
var clock = Stopwatch.StartNew();
await Task.WhenAll(tokens.Select((t, i) => Buy(t, skus[i % skus.Count], DateTime.UtcNow + duration)));
var elapsed = clock.Elapsed.TotalSeconds;
var cpuAfter = CpuTicks();
var sqlAfter = await SqlCommands();
var statementsAfter = await SqlStatements();

var sorted = latencies.Order().ToArray();
double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
var orders = sorted.Length;
Console.Error.WriteLine((hot ? "one SKU for every buyer" : $"{skus.Count} SKUs, one per buyer") + (cardPerOrder ? ", a new card token per order" : ", one card token for all"));
var statements = statementsAfter is { } end && statementsBefore is { } start && orders > 0
    ? string.Create(CultureInfo.InvariantCulture, $"{(double)(end.All - start.All) / orders:F1} (sandbox provider {(double)(end.Sandbox - start.Sandbox) / orders:F1})")
    : "not counted";
Console.WriteLine($"| buyers | orders/s | p50 ms | p95 ms | p99 ms | orders | outcomes | failed requests | SQL statements per order | SQL round trips per order |");
Console.WriteLine($"|---|---|---|---|---|---|---|---|---|---|");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {buyers} | {orders / elapsed:F0} | {Percentile(50):F1} | {Percentile(95):F1} | {Percentile(99):F1} | {orders} | {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))} | {failures} | {statements} | {(orders == 0 ? 0 : (sqlAfter.Values.Sum() - sqlBefore.Values.Sum()) / orders):F1} |"));
foreach (var (message, count) in errors.OrderByDescending(e => e.Value).Take(5))
    Console.Error.WriteLine($"failed {count}×: {message}");
foreach (var (url, after) in sqlAfter)
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SQL round trips per order at {url}: {(orders == 0 ? 0 : (after - sqlBefore.GetValueOrDefault(url)) / orders):F1}"));
if (orders > 0 && cpuAfter.Count > 0)
{
    // Processes that ended during the window are missed (their ticks cannot be read back); "other" includes the kernel's own threads.
    var spent = cpuAfter.Select(p => (p.Key, Ms: (p.Value - cpuBefore.GetValueOrDefault(p.Key)) * 10.0 / orders)).Where(p => p.Ms > 0).OrderByDescending(p => p.Ms).ToList();
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"CPU per order: {spent.Sum(p => p.Ms):F1} ms ({string.Join(", ", spent.Select(p => $"{p.Key} {p.Ms:F2}"))})"));
}
return 0;
