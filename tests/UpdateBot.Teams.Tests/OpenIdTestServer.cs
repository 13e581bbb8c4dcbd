using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace UpdateBot.Teams.Tests;

/// <summary>A signing key made here, in the test, with the endorsements the JWKS advertises for it.</summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly RSA rsa = RSA.Create(2048);

    public TestSigningKey(string kid, params string[] endorsements)
    {
        Kid = kid;
        Endorsements = endorsements;
    }

    public string Kid { get; }

    public string[] Endorsements { get; }

    public SigningCredentials Credentials => new(new RsaSecurityKey(rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256);

    public object Jwk()
    {
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus!),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent!),
            ["endorsements"] = Endorsements,
        };
    }

    public void Dispose() => rsa.Dispose();
}

/// <summary>A local OpenID metadata + JWKS endpoint on a real Kestrel server (127.0.0.1, port 0).</summary>
internal sealed class OpenIdTestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private volatile TestSigningKey[] keys;

    private OpenIdTestServer(WebApplication app, TestSigningKey[] keys)
    {
        this.app = app;
        this.keys = keys;
    }

    public string MetadataUrl { get; private set; } = "";

    public int KeyRequests;

    public void SetKeys(params TestSigningKey[] newKeys) => keys = newKeys;

    /// <summary>While true, the metadata and key documents answer 503 (the metadata host is down).</summary>
    public volatile bool Unavailable;

    public static async Task<OpenIdTestServer> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new OpenIdTestServer(app, keys);

        app.MapGet("/v1/.well-known/openidconfiguration", (HttpContext context) =>
        {
            if (server.Unavailable)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            var origin = $"{context.Request.Scheme}://{context.Request.Host}";
            return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = "https://api.botframework.com",
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = origin + "/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            }), "application/json");
        });
        app.MapGet("/v1/.well-known/keys", () =>
        {
            Interlocked.Increment(ref server.KeyRequests);
            if (server.Unavailable)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Text(JsonSerializer.Serialize(new { keys = server.keys.Select(k => k.Jwk()).ToArray() }), "application/json");
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.MetadataUrl = address + "/v1/.well-known/openidconfiguration";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal static class TestTokens
{
    public static string Create(
        TestSigningKey key,
        string issuer = "https://api.botframework.com",
        string audience = TestConstants.AppId,
        string? serviceUrl = TestConstants.ServiceUrl,
        DateTime? expires = null,
        DateTime? notBefore = null,
        IDictionary<string, object>? extraClaims = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>(extraClaims ?? new Dictionary<string, object>());
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(30),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            Claims = claims,
            SigningCredentials = key.Credentials,
        });
    }

    /// <summary>An unsigned token: <c>alg: none</c>, empty signature.</summary>
    public static string Unsigned(string kid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { alg = "none", typ = "JWT", kid })));
        var payload = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = "https://api.botframework.com",
            ["aud"] = TestConstants.AppId,
            ["serviceurl"] = TestConstants.ServiceUrl,
            ["nbf"] = now - 60,
            ["exp"] = now + 1800,
        })));
        return header + "." + payload + ".";
    }
}
