using System.Text;
using Microsoft.Extensions.Options;

namespace Bazaar.Catalog.Media;

/// <summary>
/// The embedded default: each object is a file under <see cref="MediaOptions.Root"/>, written atomically, with its
/// content type in a sidecar <c>.{name}.type</c> file next to it. Valid keys never start a segment with a dot, so
/// sidecars and temp files cannot collide with an object.
/// </summary>
public sealed class LocalFileObjectStore(IOptions<MediaOptions> options) : IObjectStore
{
    const string FallbackContentType = "application/octet-stream";
    const int BufferSize = 81920;
    static readonly UTF8Encoding Utf8 = new(false);

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        var path = PathFor(key);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);

        // The type goes first so that a reader who finds the file also finds its type.
        await WriteAtomicallyAsync(TypePathFor(path), file => file.WriteAsync(Utf8.GetBytes(contentType), ct).AsTask(), ct);
        await WriteAtomicallyAsync(path, file => content.CopyToAsync(file, BufferSize, ct), ct);
    }

    public async Task<StoredObject?> GetAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        FileStream file;
        try
        {
            // FileShare.Delete lets a concurrent overwrite or delete proceed (on Windows) while this reader finishes.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous);
        }
        catch (IOException) when (!File.Exists(path))
        {
            // Not found, a name longer than the file system takes (it cannot have been stored either), or a path through
            // an object as if it were a folder ("….png/x": ENOTDIR).
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            return null; // a folder of the store (a product's), not an object; looked at only when the open fails
        }

        try
        {
            var contentType = await ReadContentTypeAsync(TypePathFor(path), ct);
            // The open handle's length, not a fresh FileInfo: a concurrent overwrite may already have replaced the path.
            return new StoredObject(file, contentType, file.Length);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        ct.ThrowIfCancellationRequested();
        try
        {
            File.Delete(path);
            File.Delete(TypePathFor(path));
        }
        catch (DirectoryNotFoundException)
        {
            // No folder means no object, and deleting a missing object is not an error.
        }
        return Task.CompletedTask;
    }

    string PathFor(string key)
    {
        ObjectKeys.Validate(key);
        var root = Path.GetFullPath(options.Value.Root);
        var inside = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(root, key));
        // Validation already forbids escapes; this is the backstop if that rule ever loosens.
        if (!path.StartsWith(inside, StringComparison.Ordinal))
            throw new ArgumentException("The object key resolves outside the media root.", nameof(key));
        return path;
    }

    static string TypePathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".type");

    static async Task<string> ReadContentTypeAsync(string typePath, CancellationToken ct)
    {
        try
        {
            var contentType = await File.ReadAllTextAsync(typePath, Utf8, ct);
            return string.IsNullOrWhiteSpace(contentType) ? FallbackContentType : contentType;
        }
        catch (FileNotFoundException)
        {
            // Only possible mid-delete or for files copied in by hand; serve them as opaque bytes.
            return FallbackContentType;
        }
    }

    /// <summary>Writes a temp file in the same folder, then renames it over the target, so readers never see half a file.</summary>
    static async Task WriteAtomicallyAsync(string path, Func<FileStream, Task> write, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                await write(file);
                await file.FlushAsync(ct);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            // After a successful move this is a no-op; after a failure it removes the partial file.
            File.Delete(temp);
        }
    }
}
