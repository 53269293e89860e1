using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Bazaar.ServiceDefaults.Data;

/// <summary>One versioned SQL file: <c>NNNN_description.sql</c>, embedded in the assembly that owns the schema.</summary>
public sealed record Migration(string Module, int Version, string Name, string Sql)
{
    public string Id => $"{Module}/{Version:D4}_{Name}";
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// A module's migrations: the embedded <c>.sql</c> resources of an assembly whose names contain a folder.
/// A service registers one for its own schema; shared features (the e-mail outbox) register theirs.
/// </summary>
public sealed partial class MigrationSource(string module, Assembly assembly, string folder)
{
    public string Module => module;

    public IReadOnlyList<Migration> Load()
    {
        var marker = "." + folder + ".";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.Contains(marker, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^".sql".Length];
            var match = FileName().Match(fileName);
            if (!match.Success)
                throw new InvalidOperationException($"Migration '{resource}' must be named NNNN_description.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(module, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Module {module} has two migrations numbered {duplicate.Key}.");
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_]+)$")]
    private static partial Regex FileName();
}
