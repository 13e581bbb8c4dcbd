using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// The one way in: <c>services.AddTeamsBot(configuration)</c> and <c>app.MapTeamsBot()</c>.
/// CONTRACT STUB: the Teams-layer work fills these in.
/// </summary>
public static class TeamsBotExtensions
{
    /// <summary>
    /// Registers options (section <c>Bot</c>), inbound authentication, de-duplication, the outbound token handler,
    /// the resilient rate-limited <see cref="Connector.ConnectorClient"/>, and the endpoint pipeline.
    /// The application registers its own <see cref="IActivityHandler"/>.
    /// </summary>
    public static IServiceCollection AddTeamsBot(this IServiceCollection services, IConfiguration configuration) => services;

    /// <summary>Maps <c>POST /api/messages</c> (or the configured path).</summary>
    public static IEndpointConventionBuilder MapTeamsBot(this IEndpointRouteBuilder endpoints, string pattern = "/api/messages") =>
        endpoints.MapPost(pattern, () => Microsoft.AspNetCore.Http.Results.StatusCode(501));
}
