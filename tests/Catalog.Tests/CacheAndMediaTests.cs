using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Diagnostics;
using Bazaar.Catalog.Products;
using Bazaar.Catalog.Search;
using Bazaar.Catalog.Seed;
using Bazaar.Testing;

namespace Bazaar.Catalog.Tests;

/// <summary>A catalog whose Redis is its own, so the test can stop it.</summary>
public sealed class RedisDownFactory : CatalogFactory
{
    protected override bool UsePrivateRedis => true;
}

public sealed class RedisDownTests(RedisDownFactory factory) : IClassFixture<RedisDownFactory>
{
    [Fact]
    public async Task Reads_and_writes_keep_working_when_redis_stops()
    {
        var category = await factory.CategoryAsync("Resilient");
        var product = await factory.ProductAsync("Sturdy Mug", category.Id, variants: ("MUG-1", 900, 4));
        var shopper = factory.CreateClient();
        (await shopper.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.MinPrice.ShouldBe(900); // cached now

        factory.PrivateRedis!.Stop();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            (await shopper.GetAsync($"/api/v1/products/{product.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await shopper.GetAsync("/api/v1/products?q=mug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        var price = await factory.Admin().PutAsJsonAsync($"/api/v1/admin/products/{product.Id}/variants/MUG-1", new { price = 700, product.Version });
        price.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await shopper.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.MinPrice.ShouldBe(700);
        (await shopper.GetFromJsonAsync<ProductPage>("/api/v1/products?q=mug"))!.Items.Single().MinPrice.ShouldBe(700);
        // The breaker means one timeout, not one per request (40 requests at 300 ms each would take 12 s).
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));

        (await shopper.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK); // degraded, still serving: it stays in service
        (await shopper.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

public sealed class MediaApiTests(CatalogFactory factory) : CatalogTest(factory)
{
    static MultipartFormDataContent Upload(byte[] bytes, string fileName, string declaredType, string? altText = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(declaredType);
        form.Add(file, "file", fileName);
        if (altText is not null)
            form.Add(new StringContent(altText), "altText");
        return form;
    }

    [Fact]
    public async Task An_uploaded_image_is_stored_served_with_long_caching_and_listed_on_the_product()
    {
        var product = await Factory.ProductAsync("Pictured", (await Factory.CategoryAsync("Media")).Id);
        var png = PngImage.Create(64, 48, 7);
        var created = await (await Factory.Admin().PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(png, "photo.jpg", "image/jpeg", "Front view")))
            .ShouldBeOkAsync<ImageDto>(HttpStatusCode.Created);
        created.Url.ShouldEndWith(".png"); // the bytes decide, not the name or the declared type
        created.AltText.ShouldBe("Front view");

        var served = await Anonymous.GetAsync(created.Url);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        served.Headers.CacheControl!.ToString().ShouldContain("immutable");
        (await served.Content.ReadAsByteArrayAsync()).ShouldBe(png);
        (await Anonymous.GetFromJsonAsync<ProductDetail>($"/api/v1/products/{product.Id}"))!.Images.Single().Url.ShouldBe(created.Url);

        (await Factory.Admin().DeleteAsync($"/api/v1/admin/products/{product.Id}/images/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await Anonymous.GetAsync(created.Url)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_whatever_its_name()
    {
        var product = await Factory.ProductAsync("Pictured", (await Factory.CategoryAsync("Media")).Id);
        var text = "<?php echo 'hello'; ?>"u8.ToArray();
        await (await Factory.Admin().PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(text, "innocent.png", "image/png")))
            .ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        var gif = "GIF89a\x01\x00\x01\x00"u8.ToArray();
        await (await Factory.Admin().PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(gif, "a.gif", "image/gif")))
            .ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_10_mb_image_is_refused()
    {
        var product = await Factory.ProductAsync("Pictured", (await Factory.CategoryAsync("Media")).Id);
        var huge = new byte[10 * 1024 * 1024];
        PngImage.Create(8, 8, 1).CopyTo(huge, 0);
        await (await Factory.Admin().PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(huge, "huge.png", "image/png")))
            .ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Upload_mistakes_are_named()
    {
        var product = await Factory.ProductAsync("Pictured", (await Factory.CategoryAsync("Media")).Id);
        var admin = Factory.Admin();
        var noFile = new MultipartFormDataContent { { new StringContent("x"), "altText" } };
        await (await admin.PostAsync($"/api/v1/admin/products/{product.Id}/images", noFile)).ShouldNameFieldAsync("file");
        await (await admin.PostAsJsonAsync($"/api/v1/admin/products/{product.Id}/images", new { url = "http://x" })).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await admin.PostAsync($"/api/v1/admin/products/{Guid.NewGuid()}/images", Upload(PngImage.Create(4, 4, 1), "a.png", "image/png")))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(PngImage.Create(4, 4, 1), "a.png", "image/png", "front\0view")))
            .ShouldNameFieldAsync("altText");
    }

    [Fact]
    public async Task Media_keys_cannot_leave_the_store()
    {
        await (await Anonymous.GetAsync("/media/..%2F..%2F..%2Fetc%2Fpasswd")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Anonymous.GetAsync("/media/products/missing.png")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_folder_of_the_store_or_a_name_too_long_for_the_file_system_is_not_found_not_a_500()
    {
        var product = await Factory.ProductAsync("Foldered", (await Factory.CategoryAsync("Media folders")).Id);
        var image = await (await Factory.Admin().PostAsync($"/api/v1/admin/products/{product.Id}/images", Upload(PngImage.Create(4, 4, 1), "a.png", "image/png")))
            .ShouldBeOkAsync<ImageDto>(HttpStatusCode.Created);
        await (await Anonymous.GetAsync(image.Url + "/x")).ShouldBeProblemAsync(HttpStatusCode.NotFound); // the file as if it were a folder

        await (await Anonymous.GetAsync("/media/products")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Anonymous.GetAsync($"/media/products/{product.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await Anonymous.GetAsync($"/media/products/{new string('a', 300)}.png")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
