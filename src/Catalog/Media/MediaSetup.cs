using Amazon;
using Amazon.S3;

namespace Bazaar.Catalog.Media;

public static class MediaSetup
{
    /// <summary>
    /// Binds <see cref="MediaOptions"/> from <c>Media</c> and registers the object store that <c>Media:Store</c> names:
    /// <c>local</c> (the default) or <c>s3</c>.
    /// </summary>
    public static IServiceCollection AddMediaStore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Media");
        services.Configure<MediaOptions>(section);
        var store = section["Store"];
        switch (string.IsNullOrWhiteSpace(store) ? "local" : store.Trim().ToLowerInvariant())
        {
            case "local":
                services.AddSingleton<IObjectStore, LocalFileObjectStore>();
                break;
            case "s3":
                // Fail at start-up, not on the first upload.
                if (string.IsNullOrWhiteSpace(section["S3Bucket"]))
                    throw new InvalidOperationException("Media:S3Bucket must be set when Media:Store is \"s3\".");
                var region = section["S3Region"];
                // Without Media:S3Region the SDK's own chain applies (AWS_REGION, which EKS sets for IRSA pods).
                services.AddSingleton<IAmazonS3>(_ => string.IsNullOrWhiteSpace(region)
                    ? new AmazonS3Client()
                    : new AmazonS3Client(RegionEndpoint.GetBySystemName(region)));
                services.AddSingleton<IObjectStore, S3ObjectStore>();
                break;
            default:
                throw new InvalidOperationException($"Media:Store is \"{store}\"; expected \"local\" or \"s3\".");
        }
        return services;
    }
}
