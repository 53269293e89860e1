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
}
