using Bazaar.Cart;
using Bazaar.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCart();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapCartApi();
return await app.RunServiceAsync(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
