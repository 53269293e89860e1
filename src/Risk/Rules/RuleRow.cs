namespace Bazaar.Risk.Rules;

/// <summary>A rule as stored in <c>risk_rules</c>; <see cref="RuleParser"/> turns it into a typed <see cref="RiskRule"/>.</summary>
public sealed class RuleRow
{
    public Guid Id { get; init; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Parameters { get; set; } = "{}";
    public string Action { get; set; } = RuleActions.Review;
    public int Score { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; } = 1;

    /// <summary>Takes everything but identity and version from a parsed rule.</summary>
    public void Apply(RiskRule rule, DateTimeOffset now)
    {
        Name = rule.Name;
        Kind = rule.Kind;
        Parameters = rule.Parameters().ToJsonString();
        Action = rule.Action;
        Score = rule.Score;
        Enabled = rule.Enabled;
        UpdatedAt = now;
    }
}
