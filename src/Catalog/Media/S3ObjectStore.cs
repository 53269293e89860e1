using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace Bazaar.Catalog.Media;

/// <summary>
/// Objects in an S3 bucket (served through CloudFront), encrypted with KMS. Credentials come from the SDK's default
/// chain, i.e. the pod's IRSA role in EKS; the role needs s3:ListBucket too, or S3 answers 403 instead of 404 for a
/// missing key.
/// </summary>
public sealed class S3ObjectStore(IAmazonS3 s3, IOptions<MediaOptions> options) : IObjectStore
{
    // Keys are unique per upload, so browsers and CloudFront may keep an object for good.
    const string ImmutableCacheControl = "public, max-age=31536000, immutable";
    const string FallbackContentType = "application/octet-stream";

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = S3Key(key),
            InputStream = content,
            ContentType = contentType,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            // One KMS data key per bucket rather than per object: far fewer (billed) KMS calls.
            BucketKeyEnabled = true,
            // The caller opened the stream, so the caller disposes it.
            AutoCloseStream = false,
        };
        request.Headers.CacheControl = ImmutableCacheControl;
        await s3.PutObjectAsync(request, ct);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken ct)
    {
        var request = new GetObjectRequest { BucketName = Bucket, Key = S3Key(key) };
        try
        {
            // The response is not disposed here: its stream is the returned content, which the caller disposes.
            var response = await s3.GetObjectAsync(request, ct);
            return new StoredObject(response.ResponseStream, response.Headers.ContentType ?? FallbackContentType, response.Headers.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            // NoSuchKey (NoSuchKeyException in SDK v4) is "no object"; a missing bucket is misconfiguration and must surface.
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        // S3 answers 204 for a missing key too, so there is nothing to special-case.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = S3Key(key) }, ct);
    }

    string Bucket => options.Value.S3Bucket is { Length: > 0 } bucket
        ? bucket
        : throw new InvalidOperationException("Media:S3Bucket must be set when Media:Store is \"s3\".");

    string S3Key(string key)
    {
        ObjectKeys.Validate(key);
        var prefix = options.Value.S3Prefix.Trim('/');
        return prefix.Length == 0 ? key : $"{prefix}/{key}";
    }
}
