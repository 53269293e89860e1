namespace Bazaar.Risk.Assessments;

public static class ReviewOutcomes
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>Nobody decided: the order ended first (the customer cancelled it, or its stock hold ran out).</summary>
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Approved, Rejected, Withdrawn];
}

/// <summary>One order's assessment as stored in <c>risk_assessments</c>: the decision, its reasons, and the review if any.</summary>
public sealed class Assessment
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public Guid CustomerId { get; init; }
    public long Amount { get; init; }
    public string Currency { get; init; } = "";
    public string Decision { get; init; } = "";
    public int Score { get; init; }
    public string Reasons { get; init; } = "[]";
    public string Input { get; init; } = "{}";
    public string? ReviewedBy { get; set; }
    public string? ReviewOutcome { get; set; }
    public string? ReviewNote { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
