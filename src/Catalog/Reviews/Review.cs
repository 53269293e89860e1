namespace Bazaar.Catalog.Reviews;

public sealed class Review
{
    public Guid Id { get; init; }
    public Guid ProductId { get; init; }
    public Guid UserId { get; init; }
    public string AuthorName { get; set; } = "";
    public int Rating { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public bool VerifiedPurchase { get; set; }
    public bool Hidden { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
