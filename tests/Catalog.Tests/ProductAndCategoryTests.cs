using System.Net;
using System.Net.Http.Json;
using Bazaar.Catalog.Categories;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Search;
using Bazaar.Testing;

namespace Bazaar.Catalog.Tests;

public sealed class ProductAndCategoryTests(CatalogFactory factory) : CatalogTest(factory)
{
    [Fact]
    public async Task The_category_tree_nests_and_moving_a_category_moves_its_subtree_and_products()
    {
        var shoes = await Factory.CategoryAsync("Shoes");
        var running = await Factory.CategoryAsync("Running", shoes.Id);
        var trail = await Factory.CategoryAsync("Trail", running.Id);
        var sports = await Factory.CategoryAsync("Sports");
        await Factory.ProductAsync("Mountain Runner", trail.Id);

        var tree = await Anonymous.GetFromJsonAsync<List<CategoryNode>>("/api/v1/categories");
        tree!.Single(c => c.Slug == "shoes").Children.Single().Children.Single().Slug.ShouldBe("trail");

        var moved = await Factory.Admin().PutAsJsonAsync($"/api/v1/admin/categories/{running.Id}", new { name = "Running", slug = "running", parentId = sports.Id, running.Version });
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        tree = await Anonymous.GetFromJsonAsync<List<CategoryNode>>("/api/v1/categories");
        tree!.Single(c => c.Slug == "sports").Children.Single().Children.Single().Slug.ShouldBe("trail");
        tree!.Single(c => c.Slug == "shoes").Children.ShouldBeEmpty();

        var underSports = await Anonymous.GetFromJsonAsync<ProductPage>("/api/v1/products?category=sports");
        underSports!.Items.Select(i => i.Name).ShouldBe(["Mountain Runner"]);
        (await Anonymous.GetFromJsonAsync<ProductPage>("/api/v1/products?category=shoes"))!.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Renaming_a_category_shows_on_cached_product_pages_at_once()
    {
        var shoes = await Factory.CategoryAsync("Shoes");
        var product = await Factory.ProductAsync("Cached Boot", shoes.Id);
        (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.Category.Name.ShouldBe("Shoes"); // cached now
        (await Factory.Admin().PutAsJsonAsync($"/api/v1/admin/categories/{shoes.Id}", new { name = "Footwear", slug = "footwear", shoes.Version })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}");
        page!.Category.Name.ShouldBe("Footwear");
        page.Breadcrumbs.Select(b => b.Slug).ShouldBe(["footwear"]);
    }

    [Fact]
    public async Task A_category_edit_from_a_page_loaded_before_someone_else_s_change_is_refused_not_undoing_it()
    {
        var sports = await Factory.CategoryAsync("Sports gear");
        var running = await Factory.CategoryAsync("Running gear");
        var admin = Factory.Admin();
        var url = $"/api/v1/admin/categories/{running.Id}";

        await (await admin.PutAsJsonAsync(url, new { name = "Running" })).ShouldNameFieldAsync("version");
        // One admin moves it under Sports; another, from the page as it was, renames it (and would move it back).
        var moved = await (await admin.PutAsJsonAsync(url, new { name = "Running gear", parentId = sports.Id, running.Version })).ShouldBeOkAsync<CategoryNode>();
        moved.Version.ShouldBe(running.Version + 1);
        await (await admin.PutAsJsonAsync(url, new { name = "Running", running.Version })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var tree = await Anonymous.GetFromJsonAsync<List<CategoryNode>>("/api/v1/categories");
        var stays = tree!.Single(c => c.Id == sports.Id).Children.ShouldHaveSingleItem();
        (stays.Name, stays.Version).ShouldBe(("Running gear", moved.Version));
    }

    [Fact]
    public async Task Two_opposite_moves_at_once_never_make_a_cycle()
    {
        var x = await Factory.CategoryAsync("Xray");
        var y = await Factory.CategoryAsync("Yankee");
        var admin = Factory.Admin();
        await Task.WhenAll(
            admin.PutAsJsonAsync($"/api/v1/admin/categories/{x.Id}", new { name = "Xray", parentId = y.Id, x.Version }),
            admin.PutAsJsonAsync($"/api/v1/admin/categories/{y.Id}", new { name = "Yankee", parentId = x.Id, y.Version }));
        var tree = await Anonymous.GetFromJsonAsync<List<CategoryNode>>("/api/v1/categories");
        tree!.Count.ShouldBe(1); // one of them is the root, the other under it
        tree[0].Children.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_category_cannot_move_under_its_own_subtree_or_be_deleted_while_in_use()
    {
        var root = await Factory.CategoryAsync("Root");
        var child = await Factory.CategoryAsync("Child", root.Id);
        var admin = Factory.Admin();
        await (await admin.PutAsJsonAsync($"/api/v1/admin/categories/{root.Id}", new { name = "Root", parentId = child.Id, root.Version })).ShouldNameFieldAsync("parentId");
        await (await admin.DeleteAsync($"/api/v1/admin/categories/{root.Id}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await Factory.ProductAsync("Leaf item", child.Id);
        await (await admin.DeleteAsync($"/api/v1/admin/categories/{child.Id}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync("/api/v1/admin/categories", new { name = "Root" })).ShouldBeProblemAsync(HttpStatusCode.Conflict); // slug taken
    }

    [Fact]
    public async Task Categories_nest_at_most_eight_levels_deep_also_when_a_subtree_moves()
    {
        var chain = new List<CategoryNode> { await Factory.CategoryAsync("Level 1") };
        for (var level = 2; level <= Category.MaxDepth; level++)
            chain.Add(await Factory.CategoryAsync($"Level {level}", chain[^1].Id));
        var admin = Factory.Admin();
        var tooDeep = await (await admin.PostAsJsonAsync("/api/v1/admin/categories", new { name = "Level 9", parentId = chain[^1].Id })).ShouldNameFieldAsync("parentId");
        tooDeep.GetProperty("errors").GetProperty("parentId")[0].GetString()!.ShouldContain("at most 8 levels");

        // A two-level subtree fits under level 6 (its leaf would be 8 deep), not under level 7.
        var top = await Factory.CategoryAsync("Branch");
        await Factory.CategoryAsync("Twig", top.Id);
        await (await admin.PutAsJsonAsync($"/api/v1/admin/categories/{top.Id}", new { name = "Branch", parentId = chain[6].Id, top.Version })).ShouldNameFieldAsync("parentId");
        (await (await admin.PutAsJsonAsync($"/api/v1/admin/categories/{top.Id}", new { name = "Branch", parentId = chain[5].Id, top.Version })).ShouldBeOkAsync<CategoryNode>())
            .ParentId.ShouldBe(chain[5].Id);
        (await Anonymous.GetAsync("/api/v1/categories")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_category_named_in_a_script_with_no_latin_letters_needs_a_slug()
    {
        var body = await (await Factory.Admin().PostAsJsonAsync("/api/v1/admin/categories", new { name = "日本茶" })).ShouldNameFieldAsync("slug");
        body.GetProperty("errors").GetProperty("slug")[0].GetString()!.ShouldContain("from the name");
        (await Factory.Admin().PostAsJsonAsync("/api/v1/admin/categories", new { name = "日本茶", slug = "japanese-tea" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_product_is_found_by_id_and_by_slug_with_variants_availability_and_breadcrumbs()
    {
        var shoes = await Factory.CategoryAsync("Shoes");
        var running = await Factory.CategoryAsync("Running Shoes", shoes.Id);
        var created = await Factory.ProductAsync("Road Racer 3", running.Id, variants: [("RR3-42", 12900, 20), ("RR3-43", 13900, 2), ("RR3-44", 13900, 0)]);

        var byId = await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{created.Id}");
        var bySlug = await Anonymous.GetFromJsonAsync<ProductDetail>("/api/v1/products/road-racer-3");
        bySlug.ShouldBe(byId, new ProductDetailComparer());
        byId!.MinPrice.ShouldBe(12900);
        byId.MaxPrice.ShouldBe(13900);
        byId.Variants.Select(v => (v.Sku, v.Availability)).ShouldBe([("RR3-42", "in_stock"), ("RR3-43", "low_stock"), ("RR3-44", "out_of_stock")]);
        byId.Breadcrumbs.Select(b => b.Slug).ShouldBe(["shoes", "running-shoes"]);
    }

    [Fact]
    public async Task A_new_slug_resolves_at_once_and_the_old_one_is_gone()
    {
        var category = await Factory.CategoryAsync("Renames");
        var product = await Factory.ProductAsync("Old Name Lamp", category.Id);
        (await Anonymous.GetAsync("/api/v1/products/old-name-lamp")).StatusCode.ShouldBe(HttpStatusCode.OK); // remembered now
        var renamed = await Factory.Admin().PutAsJsonAsync($"/api/v1/admin/products/{product.Id}",
            new { name = "New Name Lamp", slug = "new-name-lamp", categoryId = category.Id, status = "active", version = product.Version });
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await Anonymous.GetAsync("/api/v1/products/old-name-lamp")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await Anonymous.GetFromJsonAsync<ProductDetail>("/api/v1/products/new-name-lamp"))!.Id.ShouldBe(product.Id);

        // The old slug can go to another product straight away.
        var successor = await Factory.ProductAsync("Old Name Lamp", category.Id);
        (await Anonymous.GetFromJsonAsync<ProductDetail>("/api/v1/products/old-name-lamp"))!.Id.ShouldBe(successor.Id);
    }

    [Fact]
    public async Task The_back_office_lists_every_status_with_paging()
    {
        var category = await Factory.CategoryAsync("Office");
        for (var i = 0; i < 3; i++)
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(1));
            await Factory.ProductAsync($"Live {i}", category.Id);
        }
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await Factory.Admin().PostAsJsonAsync("/api/v1/admin/products", new { name = "Draft One", categoryId = category.Id, currency = "EUR" });
        var support = Factory.Support();

        var first = await support.GetFromJsonAsync<AdminProductPage>("/api/v1/admin/products?limit=2");
        first!.Items.Select(p => p.Name).ShouldBe(["Draft One", "Live 2"]);
        var second = await support.GetFromJsonAsync<AdminProductPage>($"/api/v1/admin/products?limit=2&cursor={first.NextCursor}");
        second!.Items.Select(p => p.Name).ShouldBe(["Live 1", "Live 0"]);
        (await support.GetFromJsonAsync<AdminProductPage>("/api/v1/admin/products?status=draft"))!.Items.Select(p => p.Name).ShouldBe(["Draft One"]);
        (await support.GetFromJsonAsync<AdminProductPage>("/api/v1/admin/products?q=live%201"))!.Items.Select(p => p.Name).ShouldBe(["Live 1"]);
        await (await support.GetAsync("/api/v1/admin/products?status=deleted")).ShouldNameFieldAsync("status");
    }

    [Fact]
    public async Task Drafts_exist_only_for_staff()
    {
        var category = await Factory.CategoryAsync("Drafts");
        var draft = await (await Factory.Admin().PostAsJsonAsync("/api/v1/admin/products", new { name = "Unreleased", categoryId = category.Id, currency = "EUR" }))
            .ShouldBeOkAsync<ProductDetail>(HttpStatusCode.Created);
        draft.Status.ShouldBe("draft");
        await (await Anonymous.GetAsync($"/api/v1/products/{draft.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await Factory.Support().GetAsync($"/api/v1/admin/products/{draft.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_stale_version_is_a_409_and_a_fresh_one_wins()
    {
        var category = await Factory.CategoryAsync("Versioned");
        var product = await Factory.ProductAsync("Original Name", category.Id);
        var admin = Factory.Admin();
        object Update(string name, int version) => new { name, slug = product.Slug, categoryId = category.Id, status = "active", version, brand = "Acme" };

        var first = await (await admin.PutAsJsonAsync($"/api/v1/admin/products/{product.Id}", Update("First Edit", product.Version))).ShouldBeOkAsync<ProductDetail>();
        first.Version.ShouldBe(product.Version + 1);
        await (await admin.PutAsJsonAsync($"/api/v1/admin/products/{product.Id}", Update("Second Edit", product.Version))).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // An edit that names no version at all is bad input, not a stale one.
        await (await admin.PutAsJsonAsync($"/api/v1/admin/products/{product.Id}", new { name = "Third Edit", slug = product.Slug, categoryId = category.Id, status = "active" }))
            .ShouldNameFieldAsync("version");
        (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.Name.ShouldBe("First Edit");
    }

    [Fact]
    public async Task Concurrent_edits_with_one_version_let_exactly_one_through()
    {
        var category = await Factory.CategoryAsync("Racing");
        var product = await Factory.ProductAsync("Contested", category.Id);
        var admin = Factory.Admin();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => admin.PutAsJsonAsync($"/api/v1/admin/products/{product.Id}",
            new { name = $"Edit {i}", slug = product.Slug, categoryId = category.Id, status = "active", version = product.Version })));
        results.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        results.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
    }

    [Fact]
    public async Task A_price_change_is_visible_on_the_next_read_of_the_page_and_the_listing()
    {
        var category = await Factory.CategoryAsync("Pricing");
        var product = await Factory.ProductAsync("Kettle", category.Id, variants: ("KETTLE-1", 3000, 5));
        (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.MinPrice.ShouldBe(3000); // now cached
        (await Anonymous.GetFromJsonAsync<ProductPage>("/api/v1/products?q=kettle"))!.Items.Single().MinPrice.ShouldBe(3000);

        var updated = await Factory.Admin().PutAsJsonAsync($"/api/v1/admin/products/{product.Id}/variants/KETTLE-1", new { price = 2500, product.Version });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.Variants.Single().Price.ShouldBe(2500);
        (await Anonymous.GetFromJsonAsync<ProductDetail>("/api/v1/products/kettle"))!.MinPrice.ShouldBe(2500);
        (await Anonymous.GetFromJsonAsync<ProductPage>("/api/v1/products?q=kettle"))!.Items.Single().MinPrice.ShouldBe(2500);
    }

    [Fact]
    public async Task A_variant_edit_from_an_outdated_page_is_a_conflict_and_an_edit_keeps_the_variant_s_place()
    {
        var category = await Factory.CategoryAsync("Variant edits");
        var admin = Factory.Admin();
        // Placed by position, small before large (by SKU alone, large would come first).
        var product = await (await admin.PostAsJsonAsync("/api/v1/admin/products", new
        {
            name = "Teapot", categoryId = category.Id, status = "active", currency = "EUR",
            variants = new[] { new { sku = "TEAPOT-S", price = 3000L, position = 0 }, new { sku = "TEAPOT-L", price = 4000L, position = 1 } },
        })).ShouldBeOkAsync<ProductDetail>(HttpStatusCode.Created);
        var url = $"/api/v1/admin/products/{product.Id}/variants/TEAPOT-L";

        await (await admin.PutAsJsonAsync(url, new { price = 3500 })).ShouldNameFieldAsync("version");
        var saved = await (await admin.PutAsJsonAsync(url, new { price = 3500, weightGrams = 900, product.Version })).ShouldBeOkAsync<ProductDetail>();
        saved.Variants.Select(v => v.Sku).ShouldBe(["TEAPOT-S", "TEAPOT-L"]); // still second, though the edit named no position

        // A second admin, on the page as it was before that save, changes the weight: refused, the new price stands.
        await (await admin.PutAsJsonAsync(url, new { price = 4000, weightGrams = 1000, product.Version })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var now = (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!;
        (now.Variants.Single(v => v.Sku == "TEAPOT-L").Price, now.Version).ShouldBe((3500L, saved.Version));
    }

    [Fact]
    public async Task Variants_are_added_and_removed_but_not_while_reserved()
    {
        var category = await Factory.CategoryAsync("Variants");
        var product = await Factory.ProductAsync("Tee", category.Id, variants: ("TEE-S", 1500, 5));
        var admin = Factory.Admin();
        var added = await (await admin.PostAsJsonAsync($"/api/v1/admin/products/{product.Id}/variants", new { sku = "TEE-L", price = 1700, initialStock = 3 }))
            .ShouldBeOkAsync<ProductDetail>(HttpStatusCode.Created);
        added.MaxPrice.ShouldBe(1700);
        await (await admin.PostAsJsonAsync($"/api/v1/admin/products/{product.Id}/variants", new { sku = "TEE-L", price = 1700 })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        await Factory.Service().PostAsJsonAsync("/internal/reservations", new { orderId = Guid.NewGuid(), lines = new[] { new { sku = "TEE-L", quantity = 1 } } });
        await (await admin.DeleteAsync($"/api/v1/admin/products/{product.Id}/variants/TEE-L")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await admin.DeleteAsync($"/api/v1/admin/products/{product.Id}/variants/TEE-S")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await admin.DeleteAsync($"/api/v1/admin/products/{product.Id}/variants/TEE-L")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Archiving_hides_a_product_from_shoppers()
    {
        var category = await Factory.CategoryAsync("Archive");
        var product = await Factory.ProductAsync("Old Model", category.Id);
        (await Factory.Admin().DeleteAsync($"/api/v1/admin/products/{product.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await Anonymous.GetAsync($"/api/v1/products/{product.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await Anonymous.GetFromJsonAsync<ProductPage>("/api/v1/products"))!.Items.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","variants":[{"sku":"NEG-1","price":-5}]}""", "variants[0].price")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","variants":[null]}""", "variants[0]")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","variants":[{"sku":"cmp-1","price":500}]}""", "variants[0].sku")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","variants":[{"sku":"CMP-1","price":500,"compareAtPrice":400}]}""", "variants[0].compareAtPrice")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"XXX"}""", "currency")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","slug":"Not A Slug"}""", "slug")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","slug":"0199a1b2-0000-7000-8000-000000000001"}""", "slug")] // reads as an id
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","attributes":{"a\u0000b":"x"}}""", "attributes")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","variants":[{"sku":"NUL-1","price":5,"options":{"\u0000":"x"}}]}""", "variants[0].options")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","status":"live"}""", "status")]
    [InlineData("""{"name":"X","categoryId":"0199a1b2-0000-7000-8000-000000000001","currency":"EUR"}""", "categoryId")]
    [InlineData("""{"name":"X","categoryId":"@cat","currency":"EUR","status":"active"}""", "variants")]
    [InlineData("""{"name":"","categoryId":"@cat","currency":"EUR"}""", "name")]
    [InlineData("""{"name":"   ","categoryId":"@cat","currency":"EUR"}""", "name")]
    [InlineData("""{"name":"日本茶","categoryId":"@cat","currency":"EUR"}""", "slug")] // no slug sent, and none made from the name
    public async Task Bad_products_are_refused_by_field(string json, string field)
    {
        var category = await Factory.CategoryAsync("Validation");
        var body = new StringContent(json.Replace("@cat", category.Id.ToString()), System.Text.Encoding.UTF8, "application/json");
        await (await Factory.Admin().PostAsync("/api/v1/admin/products", body)).ShouldNameFieldAsync(field);
    }

    [Fact]
    public async Task Unknown_products_are_404_problems()
    {
        await (await Anonymous.GetAsync($"/api/v1/products/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Anonymous.GetAsync("/api/v1/products/no-such-thing")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Anonymous.GetAsync("/api/v1/products/..%2F..%2Fetc")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    sealed class ProductDetailComparer : IEqualityComparer<ProductDetail?>
    {
        public bool Equals(ProductDetail? x, ProductDetail? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(ProductDetail? obj) => 0;
    }
}
