using System.Net;
using System.Net.Http.Json;
using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults.Data;
using Bazaar.Testing;

namespace Bazaar.Risk.Tests;

/// <summary>The back office's view: the audit log, filtered and paged, and the review queue.</summary>
public sealed class ReviewQueueTests(RiskFactory factory) : RiskTest(factory)
{
    const string Assessments = "/api/v1/admin/risk/assessments";

    async Task<(AssessmentResult Approved, AssessmentResult Review, AssessmentResult Declined)> ThreeOrdersAsync()
    {
        await Factory.SeedDefaultRulesAsync();
        var approved = await Factory.AssessAsync(new Order());
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var review = await Factory.AssessAsync(new Order { Amount = 150_000 });
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var declined = await Factory.AssessAsync(new Order { BillingCountry = "CU" });
        return (approved, review, declined);
    }

    [Fact]
    public async Task Staff_list_assessments_newest_first_filter_them_and_page_through_them()
    {
        var (approved, review, declined) = await ThreeOrdersAsync();
        var support = Factory.Support();

        var all = (await support.GetFromJsonAsync<AssessmentPage>(Assessments))!;
        all.Items.Select(a => a.Id).ShouldBe([declined.AssessmentId, review.AssessmentId, approved.AssessmentId]);
        all.NextCursor.ShouldBeNull();

        var reviews = (await support.GetFromJsonAsync<AssessmentPage>($"{Assessments}?decision=review"))!;
        var stored = reviews.Items.ShouldHaveSingleItem();
        stored.Id.ShouldBe(review.AssessmentId);
        stored.Amount.ShouldBe(150_000);
        stored.Currency.ShouldBe("EUR");
        stored.Reasons.ShouldHaveSingleItem().Message.ShouldBe("Order amount 1,500.00 EUR is over the limit of 1,000.00 EUR");
        stored.Input.GetProperty("cardBin").GetString().ShouldBe("411111");

        var ids = new List<Guid>();
        var page = (await support.GetFromJsonAsync<AssessmentPage>($"{Assessments}?limit=1"))!;
        ids.AddRange(page.Items.Select(a => a.Id));
        while (page.NextCursor is { } cursor)
        {
            page = (await support.GetFromJsonAsync<AssessmentPage>($"{Assessments}?limit=1&cursor={cursor}"))!;
            ids.AddRange(page.Items.Select(a => a.Id));
        }
        ids.ShouldBe([declined.AssessmentId, review.AssessmentId, approved.AssessmentId]);

        (await support.GetFromJsonAsync<AssessmentDto>($"{Assessments}/{declined.AssessmentId}"))!.Decision.ShouldBe(Decisions.Decline);
        await (await support.GetAsync($"{Assessments}/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await support.GetAsync($"{Assessments}?decision=maybe")).ShouldNameFieldAsync("decision");
        await (await support.GetAsync($"{Assessments}?reviewOutcome=perhaps")).ShouldNameFieldAsync("reviewOutcome");
        await (await support.GetAsync($"{Assessments}?limit=0")).ShouldNameFieldAsync("limit");
        await (await support.GetAsync($"{Assessments}?cursor=nonsense")).ShouldNameFieldAsync("cursor");
    }

    [Fact]
    public async Task A_verdict_stamped_far_ahead_of_this_clock_counts_as_decided_a_minute_ahead_at_most()
    {
        var (_, review, _) = await ThreeOrdersAsync();
        var ordering = Factory.Service("ordering");
        var verdict = $"/internal/risk/assessments/by-order/{review.OrderId}/review";

        // Ordering's clock runs a day ahead: believed, the rejection would outrank every verdict of the coming day.
        var arrived = Factory.Clock.GetUtcNow();
        var skewed = await (await ordering.PostAsJsonAsync(verdict, new { outcome = "rejected", reviewer = "skewed", decidedAt = arrived.AddDays(1) }))
            .ShouldBeOkAsync<AssessmentDto>();
        (skewed.ReviewOutcome, skewed.ReviewedAt).ShouldBe((ReviewOutcomes.Rejected, arrived.Add(AssessmentsApi.MaxClockLead).AsStored()));

        // It still outranks a verdict decided within that minute by a clock that is right (verdicts keep their order)...
        Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var early = await (await ordering.PostAsJsonAsync(verdict, new { outcome = "approved", reviewer = "admin", decidedAt = Factory.Clock.GetUtcNow() }))
            .ShouldBeOkAsync<AssessmentDto>();
        (early.ReviewOutcome, early.ReviewedBy).ShouldBe((ReviewOutcomes.Rejected, "skewed"));

        // ...but not one decided after it.
        Factory.Clock.Advance(TimeSpan.FromSeconds(31));
        var approved = await (await ordering.PostAsJsonAsync(verdict, new { outcome = "approved", reviewer = "admin", decidedAt = Factory.Clock.GetUtcNow() }))
            .ShouldBeOkAsync<AssessmentDto>();
        (approved.ReviewOutcome, approved.ReviewedBy).ShouldBe((ReviewOutcomes.Approved, "admin"));

        // A clock a little ahead, within the minute allowed, is believed as sent (not moved to the minute's end).
        var ahead = Factory.Clock.GetUtcNow().Add(AssessmentsApi.MaxClockLead - TimeSpan.FromSeconds(1)).AsStored();
        (await (await ordering.PostAsJsonAsync(verdict, new { outcome = "withdrawn", reviewer = "system", decidedAt = ahead }))
            .ShouldBeOkAsync<AssessmentDto>()).ReviewedAt.ShouldBe(ahead);
    }

    [Fact]
    public async Task The_verdict_ordering_records_for_an_order_is_kept_once_and_it_leaves_the_queue()
    {
        var (approved, review, declined) = await ThreeOrdersAsync();
        var admin = Factory.Admin();
        var ordering = Factory.Service("ordering");
        string Verdict(Guid orderId) => $"/internal/risk/assessments/by-order/{orderId}/review";

        var queue = (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=pending"))!;
        queue.Items.ShouldHaveSingleItem().Id.ShouldBe(review.AssessmentId);

        // An admin approved the order in the back office; ordering records who here before it acts.
        var reviewer = Guid.NewGuid().ToString();
        var reviewed = await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "approved", reviewer }))
            .ShouldBeOkAsync<AssessmentDto>();
        reviewed.ReviewOutcome.ShouldBe(ReviewOutcomes.Approved);
        reviewed.ReviewedBy.ShouldBe(reviewer);
        (reviewed.ReviewedAt!.Value - Factory.Clock.GetUtcNow()).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1)); // stored to the microsecond

        (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=pending"))!.Items.ShouldBeEmpty();
        (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=approved"))!.Items.ShouldHaveSingleItem().Id.ShouldBe(review.AssessmentId);

        // The same verdict again (a retry) keeps who decided first; a later, different one (the decision that recorded
        // the first stopped half way, then the order was decided otherwise or cancelled) stands.
        (await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "approved", reviewer = "someone else" })).ShouldBeOkAsync<AssessmentDto>())
            .ReviewedBy.ShouldBe(reviewer);
        var withdrawn = await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "withdrawn", reviewer = "customer" })).ShouldBeOkAsync<AssessmentDto>();
        (withdrawn.ReviewOutcome, withdrawn.ReviewedBy).ShouldBe((ReviewOutcomes.Withdrawn, "customer"));
        // A rejection stands against a withdrawal after it: the order did not go ahead either way, and the record keeps
        // who turned it down.
        (await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "rejected", reviewer })).ShouldBeOkAsync<AssessmentDto>()).ReviewOutcome
            .ShouldBe(ReviewOutcomes.Rejected);
        var kept = await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "withdrawn", reviewer = "system" })).ShouldBeOkAsync<AssessmentDto>();
        (kept.ReviewOutcome, kept.ReviewedBy).ShouldBe((ReviewOutcomes.Rejected, reviewer));
        // A verdict decided before the one recorded (its call timed out and was delivered late) does not replace it.
        var decided = DateTimeOffset.UnixEpoch.AddSeconds(Factory.Clock.GetUtcNow().ToUnixTimeSeconds() + 10); // whole seconds: stored to the microsecond, compared below to the tick
        (await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "approved", reviewer = "second", decidedAt = decided }))
            .ShouldBeOkAsync<AssessmentDto>()).ReviewedAt.ShouldBe(decided);
        var late = await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "rejected", reviewer = "first", decidedAt = decided.AddSeconds(-5) }))
            .ShouldBeOkAsync<AssessmentDto>();
        (late.ReviewOutcome, late.ReviewedBy).ShouldBe((ReviewOutcomes.Approved, "second"));
        // Nor does one decided before a verdict that changed nothing (the same again, kept from its first decider).
        await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "approved", reviewer = "third", decidedAt = decided.AddSeconds(10) }))
            .ShouldBeOkAsync<AssessmentDto>();
        var later = await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "withdrawn", reviewer = "late", decidedAt = decided.AddSeconds(5) }))
            .ShouldBeOkAsync<AssessmentDto>();
        (later.ReviewOutcome, later.ReviewedBy, later.ReviewedAt).ShouldBe((ReviewOutcomes.Approved, "second", decided));
        // Only orders sent to review are reviewed, and only assessed orders have a verdict.
        await (await ordering.PostAsJsonAsync(Verdict(declined.OrderId), new { outcome = "approved", reviewer })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await ordering.PostAsJsonAsync(Verdict(approved.OrderId), new { outcome = "rejected", reviewer })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await ordering.PostAsJsonAsync(Verdict(Guid.NewGuid()), new { outcome = "rejected", reviewer })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "fine", reviewer })).ShouldNameFieldAsync("outcome");
        await (await ordering.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "approved", reviewer = " " })).ShouldNameFieldAsync("reviewer");
        // Verdicts come from ordering, where the order is decided: not from staff directly, so the two cannot disagree.
        (await admin.PostAsJsonAsync(Verdict(review.OrderId), new { outcome = "rejected", reviewer })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "rejected" })).StatusCode
            .ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
    }
}
