using Bazaar.Catalog;
using Bazaar.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCatalog();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCatalogApi();
return await app.RunServiceAsync(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
