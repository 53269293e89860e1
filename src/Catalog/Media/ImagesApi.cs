using System.ComponentModel.DataAnnotations;
using Bazaar.Catalog.Caching;
using Bazaar.Catalog.Products;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Catalog.Media;

public sealed record UpdateImageRequest([MaxLength(300)] string? AltText, [Range(0, 1000)] int Position);

public static class ImagesApi
{
    const int MaxImagesPerProduct = 20;

    public static void MapImagesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/v1/admin/products/{productId:guid}/images").WithTags("Admin: images").RequireAuthorization(Policies.Admin);
        admin.MapPost("/", Upload).DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024)); // the store's own limit (Media:MaxUploadBytes) answers with a clear 413 first
        admin.MapPut("/{imageId:guid}", Update);
        admin.MapDelete("/{imageId:guid}", Delete);

        routes.MapGet("/media/{**key}", Serve).WithTags("Media").AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// Multipart upload of one image (field <c>file</c>, optional <c>altText</c>). The type is decided by the bytes,
    /// never by the file name or the declared content type.
    /// </summary>
    static async Task<Results<Created<ImageDto>, ValidationProblem, ProblemHttpResult>> Upload(
        Guid productId, HttpRequest request, CatalogDb db, IObjectStore store, ProductReader reader, CatalogCache cache,
        IOptions<MediaOptions> options, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return Problem.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", "Upload the image as multipart/form-data with a 'file' field.");
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
            return Problem.Field("file", "Attach the image in a field named 'file'.");
        var maxBytes = options.Value.MaxUploadBytes;
        if (file.Length > maxBytes)
            return Problem.Status(StatusCodes.Status413PayloadTooLarge, "Image too large", $"Images may be at most {maxBytes / (1024 * 1024)} MB.");
        var altText = form["altText"].ToString().Trim();
        if (altText.Length > 300)
            return Problem.Field("altText", "Alt text may be at most 300 characters.");
        if (SafeStringConverter.Refusal(altText) is { } refusal) // a form field: JSON's guard does not see it
            return Problem.Field("altText", refusal);

        await using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        var type = ImageContent.DetectContentType(content.GetBuffer().AsSpan(0, (int)Math.Min(content.Length, ImageContent.HeaderBytes)));
        if (type is null)
            return Problem.Status(StatusCodes.Status415UnsupportedMediaType, "Not an image we accept", "Upload a JPEG, PNG or WebP image.");

        var product = await db.Products.FindAsync([productId], ct);
        if (product is null)
            return Problem.NotFound("There is no such product.");
        var count = await db.Images.CountAsync(i => i.ProductId == productId, ct);
        if (count >= MaxImagesPerProduct)
            return Problem.Conflict($"A product has at most {MaxImagesPerProduct} images; delete one first.");

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var key = $"products/{productId:N}/{id:N}{ImageContent.ExtensionFor(type)}";
        content.Position = 0;
        await store.PutAsync(key, content, type, ct);
        var image = new ProductImage
        {
            Id = id, ProductId = productId, StorageKey = key, ContentType = type, SizeBytes = (int)content.Length,
            AltText = altText.Length > 0 ? altText : product.Name, Position = count, CreatedAt = now,
        };
        db.Images.Add(image);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            try
            {
                await store.DeleteAsync(key, CancellationToken.None); // no row will ever point at it
            }
            catch (Exception e)
            {
                logs.CreateLogger(typeof(ImagesApi)).LogWarning(e, "Could not delete the stored image {Key} after its row failed to save", key);
            }
            throw; // the save's failure is the answer, not the clean-up's
        }
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.Created(reader.ImageUrl(key), new ImageDto(id, reader.ImageUrl(key), image.AltText, image.Position));
    }

    static async Task<Results<Ok<ImageDto>, ProblemHttpResult>> Update(Guid productId, Guid imageId, UpdateImageRequest request, CatalogDb db,
        ProductReader reader, CatalogCache cache, CancellationToken ct)
    {
        var image = await db.Images.FirstOrDefaultAsync(i => i.Id == imageId && i.ProductId == productId, ct);
        if (image is null)
            return Problem.NotFound("This product has no such image.");
        if (request.AltText is not null)
            image.AltText = request.AltText.Trim();
        image.Position = request.Position;
        await db.SaveChangesAsync(ct);
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.Ok(new ImageDto(image.Id, reader.ImageUrl(image.StorageKey), image.AltText, image.Position));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid productId, Guid imageId, CatalogDb db, IObjectStore store, CatalogCache cache, CancellationToken ct)
    {
        var image = await db.Images.FirstOrDefaultAsync(i => i.Id == imageId && i.ProductId == productId, ct);
        if (image is null)
            return Problem.NotFound("This product has no such image.");
        db.Images.Remove(image);
        await db.SaveChangesAsync(ct);
        await store.DeleteAsync(image.StorageKey, ct); // after the row: a failure here leaves an orphan file, never a broken page
        await cache.ProductsChangedAsync([productId], [], ct);
        return TypedResults.NoContent();
    }

    /// <summary>Serves the local store under /media (S3 and CloudFront do this in AWS). Keys are unique, so a year of caching is safe.</summary>
    static async Task<IResult> Serve(string key, IObjectStore store, HttpContext http, CancellationToken ct)
    {
        StoredObject? stored;
        try
        {
            stored = await store.GetAsync(key, ct);
        }
        catch (ArgumentException)
        {
            stored = null; // a key that tries to leave the store
        }
        if (stored is null)
            return Problem.NotFound("There is no such image.");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stored.Content, stored.ContentType);
    }
}
