using Bazaar.Ordering;
using Bazaar.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrdering();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOrderingApi();
return await app.RunServiceAsync(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
