using System.Net;
using System.Net.Http.Json;
using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
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
    public async Task An_admin_reviews_an_order_once_and_it_leaves_the_queue()
    {
        var (approved, review, declined) = await ThreeOrdersAsync();
        var reviewerId = Guid.NewGuid();
        var admin = Factory.Admin(reviewerId);

        var queue = (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=pending"))!;
        queue.Items.ShouldHaveSingleItem().Id.ShouldBe(review.AssessmentId);

        var reviewed = await (await admin.PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "approved", note = "Called the customer." }))
            .ShouldBeOkAsync<AssessmentDto>();
        reviewed.ReviewOutcome.ShouldBe(ReviewOutcomes.Approved);
        reviewed.ReviewedBy.ShouldBe(reviewerId.ToString());
        reviewed.ReviewNote.ShouldBe("Called the customer.");
        (reviewed.ReviewedAt!.Value - Factory.Clock.GetUtcNow()).Duration().ShouldBeLessThan(TimeSpan.FromMilliseconds(1)); // stored to the microsecond

        (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=pending"))!.Items.ShouldBeEmpty();
        (await admin.GetFromJsonAsync<AssessmentPage>($"{Assessments}?reviewOutcome=approved"))!.Items.ShouldHaveSingleItem().Id.ShouldBe(review.AssessmentId);

        // The same verdict again changes nothing; a different one is a conflict.
        (await admin.PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "approved" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await Factory.Admin().PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "rejected" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // Only orders sent to review are reviewed.
        await (await admin.PostAsJsonAsync($"{Assessments}/{declined.AssessmentId}/review", new { outcome = "approved" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"{Assessments}/{approved.AssessmentId}/review", new { outcome = "rejected" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"{Assessments}/{Guid.NewGuid()}/review", new { outcome = "rejected" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "fine" })).ShouldNameFieldAsync("outcome");
        // Support staff read the queue but do not decide.
        (await Factory.Support().PostAsJsonAsync($"{Assessments}/{review.AssessmentId}/review", new { outcome = "rejected" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
