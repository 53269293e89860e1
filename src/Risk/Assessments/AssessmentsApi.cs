using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text.Json;
using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Data;
using Bazaar.ServiceDefaults.Money;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Risk.Assessments;

/// <summary>
/// What ordering sends for one order. Card data is what the payment step may share: a fingerprint (a hash), the BIN
/// and the issuing country; never a card number. Optional fields that are absent simply do not trigger rules.
/// </summary>
public sealed record AssessRequest(Guid? OrderId, Guid? CustomerId, DateTimeOffset? AccountCreatedAt, long? Amount, string? Currency,
    string? CardFingerprint, string? CardBin, string? CardCountry, string? BillingCountry, string? IpAddress, string? ShippingCountry);

public sealed record AssessmentDto(Guid Id, Guid OrderId, Guid CustomerId, long Amount, string Currency, string Decision, int Score,
    IReadOnlyList<RiskReason> Reasons, JsonElement Input, string? ReviewOutcome, string? ReviewedBy, string? ReviewNote, DateTimeOffset? ReviewedAt,
    DateTimeOffset CreatedAt);

public sealed record AssessmentPage(IReadOnlyList<AssessmentDto> Items, string? NextCursor);

/// <summary>The verdict on an order sent to review, as ordering records it when an admin approves or rejects the order.</summary>
/// <param name="DecidedAt">When ordering made the decision (the same in the HTTP client's retries of one call; a decision
/// sent again later, by the sweeper or a person, is stamped again): a verdict that arrives after a
/// later one (its call timed out, then was delivered late) does not replace it. Left out: when it arrives. At most
/// <see cref="AssessmentsApi.MaxClockLead"/> ahead of risk's clock is believed; a later time (a skewed clock) counts as that.</param>
public sealed record ReviewRequest(string? Outcome, string? Reviewer, DateTimeOffset? DecidedAt = null);

public static class AssessmentsApi
{
    /// <summary>The reviewOutcome filter also takes this: sent to review and not yet decided (the review queue).</summary>
    public const string Pending = "pending";

    const int MaxPage = 200;

    /// <summary>
    /// How far ahead of this clock a verdict's decidedAt is believed. Ordering's clock may run a little ahead; one far
    /// ahead (a skewed clock) would otherwise stamp a verdict that no later verdict could replace until that time.
    /// </summary>
    public static readonly TimeSpan MaxClockLead = TimeSpan.FromMinutes(1);

    public static void MapAssessmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/internal/risk/assessments", Assess).WithTags("Internal").RequireAuthorization(Policies.Internal).ExcludeFromDescription();
        routes.MapPost("/internal/risk/assessments/by-order/{orderId:guid}/review", Review).WithTags("Internal").RequireAuthorization(Policies.Internal)
            .ExcludeFromDescription();

        var admin = routes.MapGroup("/api/v1/admin/risk/assessments").WithTags("Admin: risk assessments").RequireAuthorization(Policies.Support);
        admin.MapGet("/", List);
        admin.MapGet("/{id:guid}", Get);
    }

    /// <summary>Idempotent by order id: a repeat answers with the stored assessment and counts nothing again.</summary>
    static async Task<Results<Ok<AssessmentResult>, ValidationProblem>> Assess(AssessRequest request, RiskAssessor assessor, CancellationToken ct)
    {
        var (order, invalid) = Validate(request);
        if (invalid is not null)
            return invalid;
        return TypedResults.Ok(await assessor.AssessAsync(order!, ct));
    }

    static async Task<Results<Ok<AssessmentPage>, ValidationProblem>> List(RiskDb db, CancellationToken ct,
        string? decision = null, string? reviewOutcome = null, string? cursor = null, int limit = 50)
    {
        if (decision is not null && !Decisions.All.Contains(decision))
            return Problem.Field("decision", $"decision must be one of: {string.Join(", ", Decisions.All)}.");
        if (reviewOutcome is not null && reviewOutcome != Pending && !ReviewOutcomes.All.Contains(reviewOutcome))
            return Problem.Field("reviewOutcome", $"reviewOutcome must be one of: {string.Join(", ", ReviewOutcomes.All)}, {Pending}.");
        if (NewestFirst.Read(cursor, limit, MaxPage, out var paging) is { } badPage)
            return badPage;

        var query = db.Assessments.AsNoTracking();
        if (decision is not null)
            query = query.Where(x => x.Decision == decision);
        if (reviewOutcome == Pending)
            query = query.Where(x => x.Decision == Decisions.Review && x.ReviewOutcome == null);
        else if (reviewOutcome is not null)
            query = query.Where(x => x.ReviewOutcome == reviewOutcome);
        var rows = await paging.Apply(query, x => x.Id).ToListAsync(ct); // ids are time-ordered (UUIDv7)
        var (page, next) = paging.Cut(rows, x => x.Id, ToDto);
        return TypedResults.Ok(new AssessmentPage(page, next));
    }

    static async Task<Results<Ok<AssessmentDto>, ProblemHttpResult>> Get(Guid id, RiskDb db, CancellationToken ct) =>
        await db.Assessments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is { } found
            ? TypedResults.Ok(ToDto(found))
            : Problem.NotFound("There is no assessment with this id.");

    /// <summary>
    /// Records the verdict on an order sent to review. An admin approves or rejects the order in the back office and
    /// ordering records the verdict here before it moves the order, with the order locked: ordering puts decisions in
    /// order and sends when each was decided, so the latest decided stands (a decision that stopped half way is followed
    /// by the one that completes, or by "withdrawn" when the customer cancels), and one whose call timed out and arrived
    /// late is not recorded over any verdict decided after it. The same verdict again keeps who decided first, and
    /// "withdrawn" does not replace "rejected": a person's rejection that stopped half way, then finished by the
    /// customer's cancellation or the sweeper's withdrawal, still says who turned the order down. This is the audit
    /// trail, and the queue empties as the orders are decided.
    /// </summary>
    static async Task<Results<Ok<AssessmentDto>, ValidationProblem, ProblemHttpResult>> Review(
        Guid orderId, ReviewRequest request, RiskDb db, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (request.Outcome is null || !ReviewOutcomes.All.Contains(request.Outcome))
            return Problem.Field("outcome", $"outcome must be one of: {string.Join(", ", ReviewOutcomes.All)}.");
        if (string.IsNullOrWhiteSpace(request.Reviewer) || request.Reviewer.Length > 200)
            return Problem.Field("reviewer", "Name who decided (at most 200 characters).");
        var outcome = request.Outcome;
        var reviewer = request.Reviewer.Trim();
        var arrived = clock.GetUtcNow();
        DateTimeOffset? now = request.DecidedAt?.ToUniversalTime() ?? arrived;
        if (now > arrived + MaxClockLead)
        {
            logs.CreateLogger(typeof(AssessmentsApi)).LogWarning(
                "The verdict {Outcome} on order {OrderId} says it was decided at {DecidedAt}, more than {MaxClockLead} ahead of this clock ({Now}): recorded as decided that far ahead of now instead. Check the clocks of ordering and risk.",
                outcome, orderId, now, MaxClockLead, arrived);
            now = arrived + MaxClockLead; // as far ahead as is believed: verdicts keep their order, and this one stands out for a minute at most
        }

        // One statement: whether the verdict changes the record is judged on the row as it was, and every verdict moves
        // last_verdict_at forward, the ones that change nothing included, so an older one arriving later finds it newer.
        const string changes = """
            ((review_outcome is null or review_outcome <> @outcome)
             and not (@outcome = 'withdrawn' and review_outcome is not distinct from 'rejected')
             and (coalesce(last_verdict_at, reviewed_at) is null or coalesce(last_verdict_at, reviewed_at) <= @now))
            """;
        var updated = await db.Database.ExecuteSqlRawAsync($"""
            update risk_assessments set
                review_outcome = case when {changes} then @outcome else review_outcome end,
                reviewed_by = case when {changes} then @reviewer else reviewed_by end,
                reviewed_at = case when {changes} then @now else reviewed_at end,
                last_verdict_at = greatest(coalesce(last_verdict_at, reviewed_at), @now)
            where order_id = @orderId and decision = 'review'
            """, [new NpgsqlParameter("outcome", outcome), new NpgsqlParameter("reviewer", reviewer), new NpgsqlParameter("now", now),
                new NpgsqlParameter("orderId", orderId)], ct);
        var assessment = await db.Assessments.AsNoTracking().FirstOrDefaultAsync(a => a.OrderId == orderId, ct);
        if (assessment is null)
            return Problem.NotFound("This order was never assessed.");
        if (updated == 0 && assessment.Decision != Decisions.Review)
            return Problem.Conflict($"Only orders sent to review are reviewed; this one was decided '{assessment.Decision}' automatically.");
        return TypedResults.Ok(ToDto(assessment));
    }

    static (RiskInput? Order, ValidationProblem? Problem) Validate(AssessRequest r)
    {
        if (r.OrderId is not { } orderId || orderId == Guid.Empty)
            return Invalid("orderId", "Give the order's id.");
        if (r.CustomerId is not { } customerId || customerId == Guid.Empty)
            return Invalid("customerId", "Give the customer's id.");
        if (r.Amount is not { } amount || amount <= 0 || amount > RuleParser.MaxMoney)
            return Invalid("amount", "amount is the order total in minor units (cents): a whole number above 0.");
        if (!Currencies.IsSupported(r.Currency))
            return Invalid("currency", $"Use an ISO 4217 code Bazaar supports: {string.Join(", ", Currencies.Supported)}.");
        if (r.CardFingerprint is not null && !Formats.Fingerprint().IsMatch(r.CardFingerprint))
            return Invalid("cardFingerprint", "A card fingerprint is 1–128 letters, digits or _ : + / = . - characters.");
        if (r.CardBin is not null && !Formats.Bin().IsMatch(r.CardBin))
            return Invalid("cardBin", "A card BIN is the first 6 to 8 digits of the card number.");
        foreach (var (field, value) in new[] { ("cardCountry", r.CardCountry), ("billingCountry", r.BillingCountry), ("shippingCountry", r.ShippingCountry) })
            if (value is not null && !Formats.Country().IsMatch(value))
                return Invalid(field, "Use a two-letter upper-case ISO 3166 country code, like DE.");
        string? ip = null;
        if (r.IpAddress is not null)
        {
            if (r.IpAddress.Length > 64 || !IPAddress.TryParse(r.IpAddress, out var parsed) || parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                return Invalid("ipAddress", "Give the shopper's IP address, like 203.0.113.7 or 2001:db8::1.");
            var address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
            // 0.0.0.0 and :: stand for "unknown": counting them would lump every such order onto one address.
            if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
                ip = address.ToString(); // one spelling per address, so one counter
        }
        return (new RiskInput
        {
            OrderId = orderId, CustomerId = customerId, AccountCreatedAt = r.AccountCreatedAt?.ToUniversalTime(), Amount = amount, Currency = r.Currency!,
            CardFingerprint = r.CardFingerprint, CardBin = r.CardBin, CardCountry = r.CardCountry, BillingCountry = r.BillingCountry,
            IpAddress = ip, ShippingCountry = r.ShippingCountry,
        }, null);
    }

    static (RiskInput?, ValidationProblem?) Invalid(string field, string message) => (null, Problem.Field(field, message));

    static AssessmentDto ToDto(Assessment a) => new(a.Id, a.OrderId, a.CustomerId, a.Amount, a.Currency, a.Decision, a.Score,
        RiskAssessor.ReadReasons(a.Reasons), JsonSerializer.Deserialize<JsonElement>(a.Input), a.ReviewOutcome, a.ReviewedBy, a.ReviewNote, a.ReviewedAt,
        a.CreatedAt);
}
