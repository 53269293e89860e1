namespace Bazaar.Catalog.Media;

/// <summary>
/// Where product images live: local files by default (<see cref="LocalFileObjectStore"/>), S3 in AWS
/// (<see cref="S3ObjectStore"/>). Keys are relative paths such as <c>products/{productId}/{imageId}.png</c>.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores the content under the key, replacing what was there.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken ct);

    /// <returns>The object, or null when there is none. The caller disposes the stream.</returns>
    Task<StoredObject?> GetAsync(string key, CancellationToken ct);

    /// <summary>Removes the object; removing a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);
}

public sealed record StoredObject(Stream Content, string ContentType, long Length);

/// <summary>Configuration section <c>Media</c>.</summary>
public sealed class MediaOptions
{
    /// <summary><c>local</c> (default) or <c>s3</c>.</summary>
    public string Store { get; set; } = "local";

    /// <summary>Folder for the local store.</summary>
    public string Root { get; set; } = Path.Combine(Path.GetTempPath(), "bazaar-media");

    /// <summary>Where images are served from: <c>/media</c> locally (through the edge), the CloudFront URL in AWS.</summary>
    public string PublicBaseUrl { get; set; } = "/media";

    public string? S3Bucket { get; set; }
    public string? S3Region { get; set; }

    /// <summary>Optional key prefix inside the bucket.</summary>
    public string S3Prefix { get; set; } = "";

    /// <summary>Largest accepted upload.</summary>
    public long MaxUploadBytes { get; set; } = 5 * 1024 * 1024;
}
