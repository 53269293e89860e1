using Bazaar.Risk;
using Bazaar.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRisk();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRiskApi();
return await app.RunServiceAsync(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
