namespace Bazaar.Catalog.Categories;

/// <summary>A node of the category tree. <see cref="Path"/> is the chain of ids from the root, e.g. <c>/a/b/</c>.</summary>
public sealed class Category
{
    public Guid Id { get; init; }
    public Guid? ParentId { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public int Position { get; set; }
    public string Path { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;

    public static string PathFor(Category? parent, Guid id) => (parent?.Path ?? "/") + id.ToString("N") + "/";

    /// <summary>
    /// How deep categories nest (a top-level category is 1 deep). Shops use three or four levels; the limit keeps the
    /// tree within what a page can show and what JSON serializes (64 levels of nesting, two per category).
    /// </summary>
    public const int MaxDepth = 8;

    /// <summary>How deep the category with this path is: the number of ids in it.</summary>
    public static int DepthOf(string path) => path.Count(c => c == '/') - 1;

    public static string TooDeep(int depth) => $"Categories nest at most {MaxDepth} levels deep; this would make {depth}.";
}
