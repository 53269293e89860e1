using Bazaar.Risk.Rules;
using Bazaar.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Bazaar.Risk.Seed;

/// <summary>A sensible starting rule set for a shop selling in euros; added only when there are no rules at all.</summary>
public sealed class DefaultRulesSeeder(RiskDb db, RuleCache rules, TimeProvider clock, ILogger<DefaultRulesSeeder> logger) : ISeeder
{
    public static IReadOnlyList<RiskRule> Defaults { get; } =
    [
        new AmountLimitRule { Name = "Amount over 5,000 EUR", Action = RuleActions.Decline, Score = 90, MaxAmount = 500_000, Currency = "EUR" },
        new AmountLimitRule { Name = "Amount over 1,000 EUR", Action = RuleActions.Review, Score = 40, MaxAmount = 100_000, Currency = "EUR" },
        new VelocityRule { Name = "Card used for more than 5 orders an hour", Action = RuleActions.Review, Score = 50, Subject = VelocitySubject.Card, WindowSeconds = 3600, MaxCount = 5 },
        new VelocityRule { Name = "IP address used for more than 10 orders an hour", Action = RuleActions.Review, Score = 40, Subject = VelocitySubject.Ip, WindowSeconds = 3600, MaxCount = 10 },
        new VelocityRule
        {
            Name = "Customer spends over 3,000 EUR a day", Action = RuleActions.Review, Score = 40, Subject = VelocitySubject.Customer, WindowSeconds = 86_400,
            MaxAmount = 300_000, Currency = "EUR",
        },
        new CountryBlocklistRule { Name = "Sanctioned countries", Action = RuleActions.Decline, Score = 100, Countries = ["KP", "IR", "SY", "CU"], Field = CountryField.Any },
        new CountryMismatchRule { Name = "Countries differ on orders over 300 EUR", Action = RuleActions.Review, Score = 30, MinAmount = 30_000, Currency = "EUR" },
        new NewAccountRule { Name = "New account orders over 500 EUR", Action = RuleActions.Review, Score = 40, MaxAgeHours = 24, MinAmount = 50_000, Currency = "EUR" },
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await db.Rules.AnyAsync(ct))
        {
            logger.LogInformation("Risk rules already exist; not adding the defaults");
            return;
        }
        var now = clock.GetUtcNow();
        foreach (var rule in Defaults)
        {
            var row = new RuleRow { Id = Guid.CreateVersion7(now), CreatedAt = now, Version = 1 };
            row.Apply(rule, now);
            db.Rules.Add(row);
        }
        await db.SaveChangesAsync(ct);
        await rules.ChangedAsync();
        logger.LogInformation("Added {Count} default risk rules", Defaults.Count);
    }
}
