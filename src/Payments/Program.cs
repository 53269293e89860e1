using Bazaar.Payments;
using Bazaar.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPayments();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPaymentsApi();
return await app.RunServiceAsync(args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
