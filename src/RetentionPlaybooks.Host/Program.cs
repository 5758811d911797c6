using RetentionPlaybooks.Host;

var builder = WebApplication.CreateBuilder(args);
try
{
    builder.AddRetentionPlaybooks();
}
catch (HostConfigurationException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
var app = builder.Build();
app.MapRetentionPlaybooks();
app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
