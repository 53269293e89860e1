using System.Net;
using System.Net.Http.Json;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Reviews;
using Bazaar.Testing;

namespace Bazaar.Catalog.Tests;

public sealed class ReviewTests(CatalogFactory factory) : CatalogTest(factory)
{
    async Task<ProductDetail> ProductAsync() => await Factory.ProductAsync("Reviewed Thing", (await Factory.CategoryAsync("Reviews")).Id);

    async Task<RatingDto> RatingAsync(Guid productId) => (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{productId}"))!.Rating;

    [Fact]
    public async Task One_review_per_customer_and_the_rating_follows_every_change()
    {
        var product = await ProductAsync();
        var alice = Factory.Customer();
        var bob = Factory.Customer();
        (await alice.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "Love it", body = "Works well.", authorName = "Alice" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await bob.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 2, title = "Meh", body = "Broke soon." })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(3.5m, 2));

        await (await alice.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 1, title = "Again", body = "Twice?" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        (await bob.PutAsJsonAsync($"/api/v1/products/{product.Id}/reviews/mine", new { rating = 4, title = "Better", body = "Support fixed it." })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(4.5m, 2));

        (await alice.DeleteAsync($"/api/v1/products/{product.Id}/reviews/mine")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(4m, 1));
        await (await alice.DeleteAsync($"/api/v1/products/{product.Id}/reviews/mine")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_first_reviews_by_one_customer_make_one_review()
    {
        var product = await ProductAsync();
        var carol = Factory.Customer();
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            carol.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "Hi", body = "Once." })));
        results.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(5m, 1));
    }

    [Fact]
    public async Task Admins_hide_and_restore_reviews_and_the_rating_follows()
    {
        var product = await ProductAsync();
        var review = await (await Factory.Customer().PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 1, title = "Spam", body = "Buy pills." }))
            .ShouldBeOkAsync<ReviewDto>(HttpStatusCode.Created);
        await Factory.Customer().PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "Good", body = "Solid." });
        var admin = Factory.Admin();

        (await admin.PostAsync($"/api/v1/admin/reviews/{review.Id}/hide", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/v1/admin/reviews/{review.Id}/hide", null)).StatusCode.ShouldBe(HttpStatusCode.OK); // twice changes nothing
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(5m, 1));
        var visible = await Anonymous.GetFromJsonAsync<ReviewPage>($"/api/v1/products/{product.Id}/reviews");
        visible!.Items.Select(r => r.Title).ShouldBe(["Good"]);

        (await admin.PostAsync($"/api/v1/admin/reviews/{review.Id}/restore", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RatingAsync(product.Id)).ShouldBe(new RatingDto(3m, 2));
        await (await Factory.Customer().PostAsync($"/api/v1/admin/reviews/{review.Id}/hide", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_delivered_purchase_makes_the_review_verified_before_or_after_it_is_written()
    {
        var product = await ProductAsync();
        var earlyId = Guid.NewGuid();
        var lateId = Guid.NewGuid();
        var early = await (await Factory.Customer(earlyId).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 4, title = "Early", body = "Wrote before delivery." }))
            .ShouldBeOkAsync<ReviewDto>(HttpStatusCode.Created);
        early.VerifiedPurchase.ShouldBeFalse();

        foreach (var user in new[] { earlyId, lateId })
            (await Factory.Service().PostAsJsonAsync("/internal/delivered-purchases", new { userId = user, productId = product.Id, orderId = Guid.NewGuid() }))
                .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var late = await (await Factory.Customer(lateId).PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "Late", body = "After delivery." }))
            .ShouldBeOkAsync<ReviewDto>(HttpStatusCode.Created);
        late.VerifiedPurchase.ShouldBeTrue();
        var page = await Anonymous.GetFromJsonAsync<ReviewPage>($"/api/v1/products/{product.Id}/reviews");
        page!.Items.Select(r => (r.Title, r.VerifiedPurchase)).OrderBy(t => t.Title).ShouldBe([("Early", true), ("Late", true)]);
        (await Factory.Customer().PostAsJsonAsync("/internal/delivered-purchases", new { userId = lateId, productId = product.Id, orderId = Guid.NewGuid() }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        foreach (var (field, body) in new (string, object)[]
        {
            ("userId", new { userId = Guid.Empty, productId = product.Id, orderId = Guid.NewGuid() }),
            ("productId", new { userId = lateId, productId = Guid.Empty, orderId = Guid.NewGuid() }),
            ("orderId", new { userId = lateId, productId = product.Id, orderId = Guid.Empty }),
        })
            await (await Factory.Service().PostAsJsonAsync("/internal/delivered-purchases", body)).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Reviews_page_by_rating_and_by_date()
    {
        var product = await ProductAsync();
        foreach (var rating in new[] { 3, 5, 1, 4, 2 })
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(1));
            await Factory.Customer().PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating, title = $"{rating} stars", body = "Text." });
        }
        var ratings = new List<int>();
        var page = await Anonymous.GetFromJsonAsync<ReviewPage>($"/api/v1/products/{product.Id}/reviews?sort=highest&limit=2");
        ratings.AddRange(page!.Items.Select(r => r.Rating));
        while (page!.NextCursor is { } cursor)
        {
            page = await Anonymous.GetFromJsonAsync<ReviewPage>($"/api/v1/products/{product.Id}/reviews?sort=highest&limit=2&cursor={cursor}");
            ratings.AddRange(page!.Items.Select(r => r.Rating));
        }
        ratings.ShouldBe([5, 4, 3, 2, 1]);
        var newest = await Anonymous.GetFromJsonAsync<ReviewPage>($"/api/v1/products/{product.Id}/reviews?sort=newest");
        newest!.Items.Select(r => r.Rating).ShouldBe([2, 4, 1, 5, 3]);
    }

    [Theory]
    [InlineData("""{"rating":0,"title":"x","body":"y"}""", "rating")]
    [InlineData("""{"rating":6,"title":"x","body":"y"}""", "rating")]
    [InlineData("""{"rating":4,"title":"","body":"y"}""", "title")]
    [InlineData("""{"rating":4,"title":"x","body":""}""", "body")]
    [InlineData("""{"rating":4,"title":"x","body":"@long"}""", "body")]
    public async Task Bad_reviews_are_refused_by_field(string json, string field)
    {
        var product = await ProductAsync();
        var body = new StringContent(json.Replace("@long", new string('b', 4001)), System.Text.Encoding.UTF8, "application/json");
        await (await Factory.Customer().PostAsync($"/api/v1/products/{product.Id}/reviews", body)).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Reviewing_needs_a_signed_in_customer()
    {
        var product = await ProductAsync();
        (await Anonymous.PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "x", body = "y" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Factory.Service().PostAsJsonAsync($"/api/v1/products/{product.Id}/reviews", new { rating = 5, title = "x", body = "y" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
