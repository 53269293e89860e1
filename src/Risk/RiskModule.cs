using Bazaar.Risk.Assessments;
using Bazaar.Risk.Rules;
using Bazaar.Risk.Seed;
using Bazaar.Risk.Velocity;
using Bazaar.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bazaar.Risk;

public static class RiskModule
{
    public static WebApplicationBuilder AddRisk(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RiskDb>("risk");
        var services = builder.Services;
        // DataAnnotations on request types: the source generator only sees this call in the service's own assembly.
        services.AddValidation();
        services.AddSingleton<RiskMetrics>();
        services.AddSingleton<RuleCache>();
        services.AddSingleton<VelocityCounters>();
        services.AddSingleton<RiskAssessor>();
        services.AddScoped<ISeeder, DefaultRulesSeeder>();
        return builder;
    }

    public static WebApplication MapRiskApi(this WebApplication app)
    {
        app.MapAssessmentsApi();
        app.MapRulesApi();
        return app;
    }
}
