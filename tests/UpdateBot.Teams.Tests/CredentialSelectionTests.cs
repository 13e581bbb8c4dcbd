using Azure.Identity;
using UpdateBot.Teams.Authentication;
using UpdateBot.Teams.Hosting;

namespace UpdateBot.Teams.Tests;

/// <summary>docs/protocol.md, "Outbound tokens": which credential gets the bot's connector tokens, by app type. No secret with a managed identity.</summary>
public sealed class CredentialSelectionTests
{
    private const string AppId = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";

    [Fact]
    public void A_user_assigned_managed_identity_needs_no_secret()
    {
        var credential = BotTokenProvider.CreateCredential(new BotOptions { AppId = AppId, AppType = BotAppType.UserAssignedMSI });

        Assert.IsType<ManagedIdentityCredential>(credential);
    }

    [Fact]
    public void A_single_tenant_app_uses_its_client_secret()
    {
        var credential = BotTokenProvider.CreateCredential(new BotOptions
        {
            AppId = AppId,
            AppType = BotAppType.SingleTenant,
            TenantId = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
            ClientSecret = "not-a-real-secret",
        });

        Assert.IsType<ClientSecretCredential>(credential);
    }

    [Fact]
    public void Development_mode_has_no_credential_and_sends_no_token()
    {
        Assert.Null(BotTokenProvider.CreateCredential(new BotOptions { AppId = "", AllowAnonymousLoopback = true }));
    }
}
