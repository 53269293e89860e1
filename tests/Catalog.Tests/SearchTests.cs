using System.Net;
using System.Net.Http.Json;
using Bazaar.Catalog.Search;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;

namespace Bazaar.Catalog.Tests;

public sealed class SearchTests(CatalogFactory factory) : CatalogTest(factory)
{
    async Task<ProductPage> ListAsync(string query) =>
        await (await Anonymous.GetAsync("/api/v1/products?" + query)).ShouldBeOkAsync<ProductPage>();

    [Fact]
    public async Task A_typo_still_finds_running_shoes()
    {
        var shoes = await Factory.CategoryAsync("Shoes");
        await Factory.ProductAsync("Trail Running Shoes", shoes.Id);
        await Factory.ProductAsync("Leather Office Boots", shoes.Id);

        var page = await ListAsync("q=runnig%20shoes");
        page.Items.Select(i => i.Name).ShouldBe(["Trail Running Shoes"]);
        (await ListAsync("q=runing")).Items.Select(i => i.Name).ShouldContain("Trail Running Shoes");
    }

    [Fact]
    public async Task A_name_match_ranks_above_a_description_match()
    {
        var category = await Factory.CategoryAsync("Outdoor");
        await Factory.ProductAsync("Hiking Backpack", category.Id, description: "Great with a lantern for night walks.");
        await Factory.ProductAsync("Camping Lantern", category.Id, description: "Bright and light.");
        var page = await ListAsync("q=lantern");
        page.Items.Select(i => i.Name).ShouldBe(["Camping Lantern", "Hiking Backpack"]);
    }

    [Fact]
    public async Task Every_filter_narrows_the_result()
    {
        var sports = await Factory.CategoryAsync("Sports");
        var running = await Factory.CategoryAsync("Running", sports.Id);
        var books = await Factory.CategoryAsync("Books");
        var cheap = await Factory.ProductAsync("Budget Runner", running.Id, brand: "Swift", variants: ("CHEAP-1", 1500, 5));
        var dear = await Factory.ProductAsync("Pro Runner", running.Id, brand: "Apex", variants: ("DEAR-1", 18000, 0));
        var novel = await Factory.ProductAsync("Mystery Novel", books.Id, brand: "Inkwell", variants: ("BOOK-1", 1200, 3));
        await Factory.Customer().PostAsJsonAsync($"/api/v1/products/{dear.Id}/reviews", new { rating = 5, title = "Great", body = "Fast shoes." });
        await Factory.Customer().PostAsJsonAsync($"/api/v1/products/{cheap.Id}/reviews", new { rating = 2, title = "Meh", body = "Wore out." });

        static IEnumerable<string> Names(ProductPage p) => p.Items.Select(i => i.Name).Order();
        Names(await ListAsync($"category={sports.Slug}")).ShouldBe(["Budget Runner", "Pro Runner"]); // subcategories included
        Names(await ListAsync($"category={books.Id}")).ShouldBe(["Mystery Novel"]);
        Names(await ListAsync("brand=Swift&brand=Inkwell")).ShouldBe(["Budget Runner", "Mystery Novel"]);
        Names(await ListAsync("minPrice=1400")).ShouldBe(["Budget Runner", "Pro Runner"]);
        Names(await ListAsync("maxPrice=1500")).ShouldBe(["Budget Runner", "Mystery Novel"]);
        Names(await ListAsync("minRating=4")).ShouldBe(["Pro Runner"]);
        Names(await ListAsync("inStock=true")).ShouldBe(["Budget Runner", "Mystery Novel"]);
        Names(await ListAsync($"category={sports.Slug}&inStock=true&maxPrice=5000")).ShouldBe(["Budget Runner"]);
        _ = novel;
    }

    [Fact]
    public async Task Sort_orders()
    {
        var category = await Factory.CategoryAsync("Sortable");
        await Factory.ProductAsync("Alpha", category.Id, variants: ("SORT-A", 3000, 1));
        Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Factory.ProductAsync("Bravo", category.Id, variants: ("SORT-B", 1000, 1));
        Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Factory.ProductAsync("Charlie", category.Id, variants: ("SORT-C", 2000, 1));

        (await ListAsync("sort=newest")).Items.Select(i => i.Name).ShouldBe(["Charlie", "Bravo", "Alpha"]);
        (await ListAsync("sort=price_asc")).Items.Select(i => i.Name).ShouldBe(["Bravo", "Charlie", "Alpha"]);
        (await ListAsync("sort=price_desc")).Items.Select(i => i.Name).ShouldBe(["Alpha", "Charlie", "Bravo"]);
    }

    [Fact]
    public async Task Facet_counts_add_up_to_the_total()
    {
        var a = await Factory.CategoryAsync("Facet A");
        var b = await Factory.CategoryAsync("Facet B");
        var prices = new long[] { 900, 2600, 7000, 12000, 30000, 1000 };
        for (var i = 0; i < prices.Length; i++)
            await Factory.ProductAsync($"Facet item {i}", i % 2 == 0 ? a.Id : b.Id, brand: i < 2 ? "One" : "Two", variants: ($"FACET-{i}", prices[i], 1));

        var page = await ListAsync("limit=2");
        page.Total.ShouldBe(6);
        page.Items.Count.ShouldBe(2);
        page.Facets.Categories.Sum(c => c.Count).ShouldBe(6);
        page.Facets.Categories.Select(c => (c.Name, c.Count)).ShouldBe([("Facet A", 3), ("Facet B", 3)]);
        page.Facets.Brands.Select(x => (x.Value, x.Count)).ShouldBe([("Two", 4), ("One", 2)]);
        page.Facets.Prices.Sum(p => p.Count).ShouldBe(6);
        page.Facets.Prices.Select(p => (p.Min, p.Max, p.Count)).ShouldBe([(0L, (long?)2500L, 2), (2500L, 5000L, 1), (5000L, 10000L, 1), (10000L, 25000L, 1), (25000L, null, 1)]);
        page.Facets.Ratings.ShouldBe([new ValueFacet("unrated", 6)]);

        var filtered = await ListAsync("brand=One");
        filtered.Total.ShouldBe(2);
        filtered.Facets.Brands.Sum(x => x.Count).ShouldBe(2);
    }

    [Fact]
    public async Task Cursor_pages_stay_stable_while_products_are_added()
    {
        var category = await Factory.CategoryAsync("Paged");
        for (var i = 0; i < 7; i++)
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(1));
            await Factory.ProductAsync($"Paged {i}", category.Id, variants: ($"PAGE-{i}", 1000 + i, 1));
        }
        var seen = new List<string>();
        var page = await ListAsync("sort=newest&limit=3");
        seen.AddRange(page.Items.Select(i => i.Name));
        // New products arrive between page requests; they sort first and must not shift later pages.
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Factory.ProductAsync("Newcomer", category.Id, variants: ("PAGE-NEW", 999, 1));
        while (page.NextCursor is { } cursor)
        {
            page = await ListAsync($"sort=newest&limit=3&cursor={cursor}");
            seen.AddRange(page.Items.Select(i => i.Name));
        }
        seen.ShouldBe(["Paged 6", "Paged 5", "Paged 4", "Paged 3", "Paged 2", "Paged 1", "Paged 0"]);

        var byPrice = new List<string>();
        page = await ListAsync("sort=price_asc&limit=2");
        byPrice.AddRange(page.Items.Select(i => i.Name));
        while (page.NextCursor is { } cursor)
        {
            page = await ListAsync($"sort=price_asc&limit=2&cursor={cursor}");
            byPrice.AddRange(page.Items.Select(i => i.Name));
        }
        byPrice.ShouldBe(["Newcomer", "Paged 0", "Paged 1", "Paged 2", "Paged 3", "Paged 4", "Paged 5", "Paged 6"]);

        var byRating = new List<string>(); // all unrated (0.00): every product once across the pages, the cursor carrying the rating as written
        page = await ListAsync("sort=rating&limit=3");
        byRating.AddRange(page.Items.Select(i => i.Name));
        while (page.NextCursor is { } cursor)
        {
            page = await ListAsync($"sort=rating&limit=3&cursor={cursor}");
            byRating.AddRange(page.Items.Select(i => i.Name));
        }
        byRating.Order().ShouldBe(byPrice.Order());
    }

    [Fact]
    public async Task Relevance_pages_do_not_repeat_or_skip()
    {
        var category = await Factory.CategoryAsync("Lamps");
        for (var i = 0; i < 5; i++)
            await Factory.ProductAsync($"Desk Lamp {i}", category.Id, description: i % 2 == 0 ? "A lamp for desks." : "Warm light.", variants: ($"LAMP-{i}", 1000, 1));
        var all = await ListAsync("q=lamp&limit=100");
        var paged = new List<Guid>();
        var page = await ListAsync("q=lamp&limit=2");
        paged.AddRange(page.Items.Select(i => i.Id));
        while (page.NextCursor is { } cursor)
        {
            page = await ListAsync($"q=lamp&limit=2&cursor={cursor}");
            paged.AddRange(page.Items.Select(i => i.Id));
        }
        paged.ShouldBe(all.Items.Select(i => i.Id));
        paged.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Drafts_are_not_listed()
    {
        var category = await Factory.CategoryAsync("Hidden");
        await (await Factory.Admin().PostAsJsonAsync("/api/v1/admin/products", new { name = "Secret Draft", categoryId = category.Id, currency = "EUR" }))
            .ShouldBeOkAsync<object>(HttpStatusCode.Created);
        (await ListAsync("q=secret")).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Suggestions_complete_names()
    {
        var category = await Factory.CategoryAsync("Kitchen");
        await Factory.ProductAsync("Espresso Machine", category.Id);
        await Factory.ProductAsync("Espresso Cups", category.Id);
        await Factory.ProductAsync("Toaster", category.Id);
        var suggestions = await Anonymous.GetFromJsonAsync<List<Suggestion>>("/api/v1/products/suggest?q=espr");
        suggestions!.Select(s => s.Name).Order().ShouldBe(["Espresso Cups", "Espresso Machine"]);
        await (await Anonymous.GetAsync("/api/v1/products/suggest?q=e")).ShouldNameFieldAsync("q");
    }

    [Theory]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("minPrice=-1", "minPrice")]
    [InlineData("minPrice=500&maxPrice=100", "maxPrice")]
    [InlineData("minRating=6", "minRating")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("category=no-such-category", "category")]
    public async Task Bad_listing_parameters_are_named(string query, string field)
    {
        await (await Anonymous.GetAsync("/api/v1/products?" + query)).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task A_cursor_from_another_sort_is_refused()
    {
        var category = await Factory.CategoryAsync("Cursors");
        for (var i = 0; i < 3; i++)
            await Factory.ProductAsync($"Cursor {i}", category.Id, variants: ($"CUR-{i}", 1000 + i, 1));
        var page = await ListAsync("sort=newest&limit=1");
        await (await Anonymous.GetAsync($"/api/v1/products?sort=price_asc&limit=1&cursor={page.NextCursor}")).ShouldNameFieldAsync("cursor");
    }

    [Fact]
    public async Task A_forged_cursor_is_a_400_not_a_500()
    {
        foreach (var (sort, value) in new[]
                 {
                     ("newest", "x"), ("price_asc", "1e999"), ("rating", "7"), ("relevance", "NaN"),
                     // .NET reads these, PostgreSQL's casts refuse them
                     ("rating", "0,5"), ("relevance", "1e-400"), ("newest", "12:00"), ("price_desc", " 5"),
                 })
        {
            var forged = new Cursor(sort, value, Guid.NewGuid()).Encode();
            var query = sort == "relevance" ? "q=lamp&" : "";
            await (await Anonymous.GetAsync($"/api/v1/products?{query}sort={sort}&cursor={forged}")).ShouldNameFieldAsync("cursor");
        }
        // JSON nulls where the cursor's strings go.
        foreach (var json in new[] { $$"""["newest",null,"{{Guid.NewGuid():N}}"]""", """[null,"2026-01-01T00:00:00Z","x"]""", $$"""["newest","2026-01-01T00:00:00Z",null]""" })
        {
            var forged = Base64Url.Encode(System.Text.Encoding.UTF8.GetBytes(json));
            await (await Anonymous.GetAsync($"/api/v1/products?sort=newest&cursor={forged}")).ShouldNameFieldAsync("cursor");
        }
    }

    [Fact]
    public async Task Nul_characters_in_the_address_are_a_400_not_a_500()
    {
        await (await Anonymous.GetAsync("/api/v1/products?q=%00")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await Anonymous.GetAsync("/api/v1/products/suggest?q=ab%00")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await Anonymous.GetAsync("/api/v1/products?brand=a%00b")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await Factory.Admin().GetAsync("/api/v1/admin/inventory?cursor=A%00B")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Queries_that_differ_never_share_a_cached_page()
    {
        var category = await Factory.CategoryAsync("Brands");
        await Factory.ProductAsync("Alpha item", category.Id, brand: "A", variants: ("BR-A", 1000, 1));
        await Factory.ProductAsync("Beta item", category.Id, brand: "B", variants: ("BR-B", 1000, 1));
        (await ListAsync("brand=A,B")).Items.ShouldBeEmpty(); // one brand literally named "A,B": none
        (await ListAsync("brand=A&brand=B")).Items.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Non_numeric_parameters_are_a_400_not_a_500()
    {
        await (await Anonymous.GetAsync("/api/v1/products?minPrice=cheap")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await Anonymous.GetAsync("/api/v1/products?limit=%00")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
