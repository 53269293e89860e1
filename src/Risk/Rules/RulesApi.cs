using Bazaar.ServiceDefaults.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.ServiceDefaults.Problems;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Risk.Rules;

public sealed record RuleDto(Guid Id, string Name, string Kind, JsonElement Parameters, string Action, int Score, bool Enabled, int Version,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A rule as the back office writes it; <see cref="Version"/> is the one loaded, required on updates.</summary>
public sealed record SaveRuleRequest(string? Name, string? Kind, JsonElement Parameters, string? Action, int? Score, bool? Enabled, int? Version);

public static class RulesApi
{
    const int MaxRules = 1000;

    public static void MapRulesApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/v1/admin/risk/rules").WithTags("Admin: risk rules").RequireAuthorization(Policies.Support);
        admin.MapGet("/", List);
        admin.MapGet("/{id:guid}", Get);
        admin.MapPost("/", Create).RequireAuthorization(Policies.Admin);
        admin.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Admin);
        admin.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Admin);
    }

    static async Task<Ok<IReadOnlyList<RuleDto>>> List(RiskDb db, CancellationToken ct)
    {
        var rows = await db.Rules.AsNoTracking().OrderBy(r => r.Name).ThenBy(r => r.Id).Take(MaxRules).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<RuleDto>>([.. rows.Select(ToDto)]);
    }

    static async Task<Results<Ok<RuleDto>, ProblemHttpResult>> Get(Guid id, RiskDb db, CancellationToken ct) =>
        await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } row
            ? TypedResults.Ok(ToDto(row))
            : Problem.NotFound("There is no rule with this id.");

    static async Task<Results<Created<RuleDto>, ValidationProblem, ProblemHttpResult>> Create(
        SaveRuleRequest request, RiskDb db, RuleCache rules, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var (rule, problem) = RuleParser.Parse(id, request.Name, request.Kind, request.Parameters, request.Action, request.Score, request.Enabled ?? true, RuleSource.Request);
        if (problem is { } invalid)
            return Problem.Field(invalid.Field, invalid.Message);
        var row = new RuleRow { Id = id, CreatedAt = now, Version = 1 };
        row.Apply(rule!, now);
        db.Rules.Add(row);
        if (await SaveAsync(db, id, ct) is { } conflict)
            return conflict;
        await rules.ChangedAsync();
        return TypedResults.Created($"/api/v1/admin/risk/rules/{id}", ToDto(row));
    }

    /// <summary>Replaces the rule; the version must be the one the editor loaded (someone else's change is a 409).</summary>
    static async Task<Results<Ok<RuleDto>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, SaveRuleRequest request, RiskDb db, RuleCache rules, TimeProvider clock, CancellationToken ct)
    {
        if (request.Enabled is not { } enabled)
            return Problem.Field("enabled", "Say whether the rule is enabled: an update replaces the whole rule.");
        var row = await db.Rules.FirstOrDefaultAsync(r => r.Id == id, ct);
        // Parameters sent back as they are stored (switching a rule off or on, renaming it) are read as stored: a rule
        // written before amounts needed a currency can still be switched off in a hurry.
        var unchanged = row is not null && row.Kind == request.Kind && request.Parameters.ValueKind == JsonValueKind.Object
            && JsonNode.DeepEquals(JsonNode.Parse(row.Parameters), JsonSerializer.SerializeToNode(request.Parameters));
        var (rule, problem) = RuleParser.Parse(id, request.Name, request.Kind, request.Parameters, request.Action, request.Score, enabled,
            unchanged ? RuleSource.Stored : RuleSource.Request);
        if (problem is { } invalid)
            return Problem.Field(invalid.Field, invalid.Message);
        if (request.Version is not { } version)
            return Problem.VersionMissing();
        if (row is null)
            return Problem.NotFound("There is no rule with this id.");
        if (row.Version != version)
            return Problem.StaleVersion("rule", row.Version);
        db.Entry(row).Property(r => r.Version).OriginalValue = version;
        row.Version = version + 1;
        row.Apply(rule!, clock.GetUtcNow());
        if (await SaveAsync(db, id, ct) is { } conflict)
            return conflict;
        await rules.ChangedAsync();
        return TypedResults.Ok(ToDto(row));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, RiskDb db, RuleCache rules, CancellationToken ct)
    {
        if (await db.Rules.Where(r => r.Id == id).ExecuteDeleteAsync(ct) == 0)
            return Problem.NotFound("There is no rule with this id.");
        await rules.ChangedAsync();
        return TypedResults.NoContent();
    }

    static async Task<ProblemHttpResult?> SaveAsync(RiskDb db, Guid id, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            var current = await db.Rules.AsNoTracking().Where(r => r.Id == id).Select(r => (int?)r.Version).FirstOrDefaultAsync(ct);
            return current is { } version ? Problem.StaleVersion("rule", version) : Problem.NotFound("There is no rule with this id.");
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Problem.Conflict("Another rule already has this name.");
        }
    }

    static RuleDto ToDto(RuleRow r) => new(r.Id, r.Name, r.Kind, JsonSerializer.Deserialize<JsonElement>(r.Parameters), r.Action, r.Score, r.Enabled, r.Version,
        r.CreatedAt, r.UpdatedAt);
}
