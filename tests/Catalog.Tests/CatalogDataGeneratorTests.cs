using System.Text.Json;
using System.Text.RegularExpressions;
using Bazaar.Catalog.Seed;

namespace Bazaar.Catalog.Tests;

public sealed partial class CatalogDataGeneratorTests
{
    const int Many = 5_000;

    // Built once and only read: every property test below checks the same 5,000 products.
    static readonly Lazy<List<GeneratedProduct>> ManyProducts = new(() => new CatalogDataGenerator().Products(Many).ToList());

    static readonly Lazy<IReadOnlyList<GeneratedCategory>> DefaultCategories = new(() => new CatalogDataGenerator().Categories());

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabSlug();

    [GeneratedRegex("^[A-Z]{3}-[0-9]{6}(-[A-Z0-9]+)*$")]
    private static partial Regex SkuShape();

    [GeneratedRegex(@"[.!?](\s|$)")]
    private static partial Regex SentenceEnd();

    static string Json<T>(T value) => JsonSerializer.Serialize(value);

    static HashSet<Guid> LeafIds(IReadOnlyList<GeneratedCategory> categories)
    {
        var parents = categories.Where(c => c.ParentId is not null).Select(c => c.ParentId!.Value).ToHashSet();
        return categories.Where(c => !parents.Contains(c.Id)).Select(c => c.Id).ToHashSet();
    }

    [Fact]
    public void Same_seed_gives_identical_categories_and_products()
    {
        var first = new CatalogDataGenerator(7);
        var second = new CatalogDataGenerator(7);

        Json(first.Categories()).ShouldBe(Json(second.Categories()));
        Json(first.Products(200).ToList()).ShouldBe(Json(second.Products(200).ToList()));
    }

    [Fact]
    public void Default_seed_is_2026()
    {
        Json(new CatalogDataGenerator().Products(50).ToList()).ShouldBe(Json(new CatalogDataGenerator(2026).Products(50).ToList()));
    }

    [Fact]
    public void Different_seed_gives_different_data_on_the_same_tree()
    {
        var first = new CatalogDataGenerator(1);
        var second = new CatalogDataGenerator(2);

        first.Categories().Select(c => c.Slug).ToArray().ShouldBe(second.Categories().Select(c => c.Slug).ToArray());
        first.Categories().Select(c => c.Id).Intersect(second.Categories().Select(c => c.Id)).ShouldBeEmpty();

        var a = first.Products(100).ToList();
        var b = second.Products(100).ToList();
        Json(a).ShouldNotBe(Json(b));
        a.Select(p => p.Id).Intersect(b.Select(p => p.Id)).ShouldBeEmpty();
        a.Select(p => p.Name).SequenceEqual(b.Select(p => p.Name)).ShouldBeFalse();
    }

    [Fact]
    public void A_product_does_not_depend_on_how_many_are_asked_for()
    {
        var generator = new CatalogDataGenerator();

        Json(generator.Products(30).ToList()).ShouldBe(Json(generator.Products(200).Take(30).ToList()));
    }

    [Fact]
    public void Products_are_generated_lazily()
    {
        var generator = new CatalogDataGenerator();

        generator.Products(int.MaxValue).Take(3).Count().ShouldBe(3);
        generator.Products(0).ShouldBeEmpty();
        Should.Throw<ArgumentOutOfRangeException>(() => generator.Products(-1));
    }

    [Fact]
    public void Slugs_skus_and_ids_are_unique_across_many_products()
    {
        var products = ManyProducts.Value;
        var skus = products.SelectMany(p => p.Variants).Select(v => v.Sku).ToList();

        products.Count.ShouldBe(Many);
        products.Select(p => p.Slug).Distinct().Count().ShouldBe(Many);
        products.Select(p => p.Id).Distinct().Count().ShouldBe(Many);
        skus.Distinct().Count().ShouldBe(skus.Count);
        products.Select(p => p.Id).Intersect(DefaultCategories.Value.Select(c => c.Id)).ShouldBeEmpty();
    }

    [Fact]
    public void Slugs_skus_and_ids_have_the_documented_shape()
    {
        var products = ManyProducts.Value;

        for (var index = 0; index < products.Count; index++)
        {
            var product = products[index];
            KebabSlug().IsMatch(product.Slug).ShouldBeTrue(product.Slug);
            product.Slug.ShouldEndWith("-" + index);
            foreach (var variant in product.Variants)
            {
                SkuShape().IsMatch(variant.Sku).ShouldBeTrue(variant.Sku);
                variant.Sku.Substring(4, 6).ShouldBe(index.ToString("D6"));
            }

            // UUIDv7: version nibble 7 and RFC variant bits, so ids sort roughly by creation time.
            var id = product.Id.ToString();
            id[14].ShouldBe('7');
            "89ab".ShouldContain(id[19]);
        }
    }

    [Fact]
    public void Every_product_belongs_to_a_leaf_category_and_every_leaf_gets_products()
    {
        var leaves = LeafIds(DefaultCategories.Value);
        var products = ManyProducts.Value;

        products.ShouldAllBe(p => leaves.Contains(p.CategoryId));
        products.Select(p => p.CategoryId).Distinct().Count().ShouldBe(leaves.Count);
        new CatalogDataGenerator().Products(leaves.Count).Select(p => p.CategoryId).Distinct().Count().ShouldBe(leaves.Count);
    }

    [Fact]
    public void Prices_stay_in_bounds_and_compare_at_prices_are_higher()
    {
        var products = ManyProducts.Value;

        foreach (var product in products)
        {
            product.Currency.ShouldBe("EUR");
            product.Variants.Count.ShouldBeInRange(1, 6);
            var prices = product.Variants.Select(v => v.Price).ToList();
            prices.Min().ShouldBeGreaterThanOrEqualTo(CatalogDataGenerator.MinPrice);
            prices.Max().ShouldBeLessThanOrEqualTo(CatalogDataGenerator.MaxPrice);
            // Variants of one product stay within 20% of each other.
            (prices.Max() * 100).ShouldBeLessThanOrEqualTo(prices.Min() * 120, product.Slug);
            foreach (var variant in product.Variants)
            {
                if (variant.CompareAtPrice is { } compareAt)
                    compareAt.ShouldBeGreaterThan(variant.Price, variant.Sku);
                variant.WeightGrams.ShouldBeGreaterThan(0);
                variant.OnHand.ShouldBeInRange(0, 120);
            }
        }

        var variants = products.SelectMany(p => p.Variants).ToList();
        var onSale = products.Count(p => p.Variants.Any(v => v.CompareAtPrice is not null)) / (double)products.Count;
        var soldOut = variants.Count(v => v.OnHand == 0) / (double)variants.Count;
        var low = variants.Count(v => v.OnHand is >= 1 and <= 5) / (double)variants.Count;
        onSale.ShouldBeInRange(0.12, 0.28);
        soldOut.ShouldBeInRange(0.04, 0.12);
        low.ShouldBeInRange(0.06, 0.14);
    }

    [Fact]
    public void Products_have_descriptions_brands_images_and_creation_dates_in_the_window()
    {
        var products = ManyProducts.Value;

        foreach (var product in products)
        {
            product.Name.ShouldNotBeNullOrWhiteSpace();
            product.Brand.ShouldNotBeNullOrWhiteSpace();
            SentenceEnd().Matches(product.Description).Count.ShouldBeInRange(2, 4, product.Description);
            product.Attributes.ShouldNotBeEmpty();
            product.ImageCount.ShouldBeInRange(1, 3);
            product.CreatedAt.ShouldBeGreaterThanOrEqualTo(CatalogDataGenerator.WindowEnd.AddDays(-400));
            product.CreatedAt.ShouldBeLessThanOrEqualTo(CatalogDataGenerator.WindowEnd);
        }

        products.Select(p => p.Brand).Distinct().Count().ShouldBeInRange(20, 30);
        products.Select(p => p.Name).Distinct().Count().ShouldBeGreaterThan(Many * 9 / 10);
    }

    [Fact]
    public void Reviews_are_rated_1_to_5_once_per_customer_after_the_product_was_created()
    {
        var products = ManyProducts.Value;

        foreach (var product in products)
        {
            product.Reviews.Count.ShouldBeInRange(0, 8);
            product.Reviews.Select(r => r.UserId).Distinct().Count().ShouldBe(product.Reviews.Count);
            foreach (var review in product.Reviews)
            {
                review.Rating.ShouldBeInRange(1, 5);
                review.AuthorName.ShouldNotBeNullOrWhiteSpace();
                review.Title.ShouldNotBeNullOrWhiteSpace();
                SentenceEnd().Matches(review.Body).Count.ShouldBeInRange(1, 3, review.Body);
                review.CreatedAt.ShouldBeGreaterThanOrEqualTo(product.CreatedAt);
                review.CreatedAt.ShouldBeLessThanOrEqualTo(CatalogDataGenerator.WindowEnd);
            }
        }

        var reviews = products.SelectMany(p => p.Reviews).ToList();
        reviews.Average(r => r.Rating).ShouldBeInRange(3.7, 4.3);
        reviews.Count(r => r.Rating >= 4).ShouldBeGreaterThan(reviews.Count / 2);
        // A reviewer is one customer: the same id always carries the same name.
        reviews.GroupBy(r => r.UserId).ShouldAllBe(g => g.Select(r => r.AuthorName).Distinct().Count() == 1);
    }

    [Fact]
    public void Running_shoes_are_named_so_that_a_search_for_running_shoes_finds_them()
    {
        var categories = DefaultCategories.Value;
        var runningShoes = categories.Single(c => c.Slug == "running-shoes");
        var runningLeaves = categories.Where(c => c.ParentId == runningShoes.Id).Select(c => c.Id).ToHashSet();
        var running = ManyProducts.Value.Where(p => runningLeaves.Contains(p.CategoryId)).ToList();

        running.ShouldNotBeEmpty();
        // The edge smoke test searches "runnig shoes" and expects a name containing "Running Shoes".
        running.ShouldAllBe(p => p.Name.Contains("Running Shoes"));
        new CatalogDataGenerator().Products(200).ShouldContain(p => p.Name.Contains("Running") && p.Name.Contains("Shoes"));
    }

    [Fact]
    public void Category_tree_has_no_cycles_unique_kebab_slugs_and_dense_positions()
    {
        var categories = DefaultCategories.Value;
        var byId = categories.ToDictionary(c => c.Id);
        var indexOf = categories.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);

        categories.Select(c => c.Slug).Distinct().Count().ShouldBe(categories.Count);
        categories.ShouldAllBe(c => KebabSlug().IsMatch(c.Slug) && c.Name.Length > 0);

        var maxDepth = 0;
        foreach (var category in categories)
        {
            var depth = 0;
            var current = category;
            while (current.ParentId is { } parentId)
            {
                byId.ShouldContainKey(parentId);
                // Parents come first, so a seeder can insert in list order.
                indexOf[parentId].ShouldBeLessThan(indexOf[current.Id]);
                current = byId[parentId];
                depth++;
                depth.ShouldBeLessThan(categories.Count, $"{category.Slug} is on a cycle");
            }
            maxDepth = Math.Max(maxDepth, depth);
        }
        maxDepth.ShouldBe(2);

        foreach (var siblings in categories.GroupBy(c => c.ParentId))
            siblings.Select(c => c.Position).Order().ToArray().ShouldBe(Enumerable.Range(0, siblings.Count()).ToArray());

        var departments = categories.Where(c => c.ParentId is null).ToList();
        departments.Count.ShouldBe(8);
        foreach (var department in departments)
            categories.Count(c => c.ParentId == department.Id).ShouldBeInRange(3, 6, department.Slug);
    }
}
