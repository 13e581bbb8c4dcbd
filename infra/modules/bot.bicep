// The Azure Bot registration: user-assigned managed identity as the bot's app identity (no client secret), the
// messaging endpoint on the web app, and the Microsoft Teams channel. Teams is the only way in: the Web Chat channel that
// every Azure Bot gets by default is declared here with its site disabled, and Direct Line is never created (the service
// also refuses any channelId but msteams; docs/protocol.md, "Teams only, one tenant").
@description('Azure Bot resource name.')
param name string

@description('Display name shown in the Azure portal.')
param displayName string

@description('Azure Bot pricing tier (F0 is free with limits on premium channels; Teams is a standard channel).')
@allowed([
  'F0'
  'S1'
])
param sku string = 'F0'

@description('Messaging endpoint, https://<host>/api/messages.')
param endpoint string

@description('Client id of the user-assigned managed identity (the bot\'s Microsoft app id).')
param identityClientId string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Entra tenant id of the identity.')
param tenantId string

param tags object = {}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppType: 'UserAssignedMSI'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      // The channel's terms of service, accepted as the portal does when the channel is added there
      // (MsTeamsChannelProperties.acceptedTerms, https://learn.microsoft.com/azure/templates/microsoft.botservice/botservices/channels).
      acceptedTerms: true
      deploymentEnvironment: 'CommercialDeployment'
      enableCalling: false
    }
  }
}

// Web Chat and Direct Line let their client choose `from.id`; a Teams-only bot must not be reachable through them.
resource webChat 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'WebChatChannel'
  location: 'global'
  properties: {
    channelName: 'WebChatChannel'
    properties: {
      sites: [
        {
          siteName: 'Default Site'
          isEnabled: false
          isWebchatPreviewEnabled: false
          isBlockUserUploadEnabled: true
        }
      ]
    }
  }
}

output name string = bot.name
output endpoint string = bot.properties.endpoint
