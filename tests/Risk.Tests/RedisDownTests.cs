using System.Net;
using System.Net.Http.Json;
using Bazaar.Risk.Rules;
using Bazaar.Testing;

namespace Bazaar.Risk.Tests;

/// <summary>A risk service whose Redis is its own, so the test can stop it.</summary>
public sealed class RedisDownRiskFactory : RiskFactory
{
    protected override bool UsePrivateRedis => true;
}

public sealed class RedisDownTests(RedisDownRiskFactory factory) : IClassFixture<RedisDownRiskFactory>
{
    [Fact]
    public async Task Without_redis_orders_are_still_decided_velocity_is_skipped_and_says_so_and_rule_changes_apply()
    {
        await factory.SeedDefaultRulesAsync();
        var card = "fp_" + Guid.NewGuid().ToString("N");
        (await factory.AssessAsync(new Order { CardFingerprint = card })).Reasons.ShouldBeEmpty();

        factory.PrivateRedis!.Stop();

        var ordinary = await factory.AssessAsync(new Order { CardFingerprint = card });
        ordinary.Decision.ShouldBe(Decisions.Approve); // fail open: velocity cannot be counted
        var reason = ordinary.Reasons.ShouldHaveSingleItem();
        reason.Code.ShouldBe(Evaluator.VelocityUnavailable);
        reason.Action.ShouldBe(RuleActions.None);
        reason.Score.ShouldBe(0);

        var huge = await factory.AssessAsync(new Order { Amount = 600_000 });
        huge.Decision.ShouldBe(Decisions.Decline); // the other rules still apply
        huge.Reasons.ShouldContain(r => r.Code == Evaluator.VelocityUnavailable);

        var rule = await factory.CreateRuleAsync("Blocked BIN", RuleKinds.BinBlocklist, new { bins = new[] { "411111" } }, action: "decline", score: 80);
        rule.Version.ShouldBe(1);
        (await factory.AssessAsync(new Order())).Decision.ShouldBe(Decisions.Decline); // this replica applies its own change at once

        (await factory.CreateClient().GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
