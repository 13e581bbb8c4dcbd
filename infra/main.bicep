// UpdateBot: everything the service needs in one resource group, with one user-assigned managed identity and no
// secrets. Deploy: az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam (docs/deploy.md).
targetScope = 'resourceGroup'

@description('Short name used to derive resource names (letters, digits and hyphens).')
@minLength(3)
@maxLength(16)
param baseName string = 'updatebot'

@description('Azure region for the regional resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('App Service plan SKU (B1 or higher).')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'P0v3'
  'P1v3'
])
param appServicePlanSku string = 'B1'

@description('Instances of the web app (scale-out). Each runs the same service and takes work from the storage queue; B1-B3 allow up to 3, S1 and above up to 10.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Requests per second Teams allows the bot for the whole tenant; each instance gets this divided by instanceCount (Bot__Connector__GlobalRequestsPerSecond).')
@minValue(1)
param teamsGlobalRequestsPerSecond int = 30

@description('Azure Bot pricing tier.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSku string = 'Standard_LRS'

@description('Days to keep logs in Log Analytics (30 to 730).')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// The service's optional settings (README, "Configuration"). They are parameters so that a re-deployment keeps them:
// a deployment replaces the web app's whole list of app settings, so a setting added by hand would be lost.
@description('Storage:RetentionDays: answers, drafts and markers older than this are deleted.')
@minValue(1)
param retentionDays int = 365

@description('Cycle:CatchUpWindow (d.hh:mm:ss): how old a missed step may be and still run.')
param catchUpWindow string = '1.00:00:00'

@description('Bot:Connector:PerConversationRequestsPerSecond: the budget per conversation.')
@minValue(1)
param connectorPerConversationRequestsPerSecond int = 7

@description('Bot:AllowedCallerAppIds: client apps whose Entra-issued tokens are accepted. Empty: the bot itself only.')
param allowedCallerAppIds string[] = []

@description('Telemetry:Exporter: an exporter besides Application Insights (which always gets logs, metrics and traces).')
@allowed([
  'none'
  'console'
  'otlp'
])
param telemetryExporter string = 'none'

@description('Telemetry:OtlpEndpoint: the collector when telemetryExporter is otlp.')
param otlpEndpoint string = ''

@description('Pages:PrivacyUrl and Pages:TermsUrl: your organisation\'s own pages (https) for /privacy and /terms to redirect to. Empty: the service\'s own pages.')
param privacyUrl string = ''

@description('See privacyUrl.')
param termsUrl string = ''

@description('Pages:PublicBaseUrl: the service\'s public address (https, e.g. a custom domain) for the links and ids in the open weeknote\'s Atom feed. Empty: the address each request came to.')
param publicBaseUrl string = ''

@description('Any other app settings, by name (e.g. {"Turns__InvokeDeadline": "00:00:05"}); they are added after the ones above.')
param extraAppSettings object = {}

@description('Tags applied to every resource.')
param tags object = {
  app: 'updatebot'
}

var suffix = uniqueString(resourceGroup().id, baseName)
var appName = '${baseName}-${suffix}'
var storageName = take(toLower('st${replace(baseName, '-', '')}${suffix}'), 24)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${appName}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    skuName: storageSku
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: appName
    location: location
    retentionInDays: logRetentionInDays
    publisherPrincipalId: identity.outputs.principalId
    tags: tags
  }
}

module web 'modules/webapp.bicep' = {
  name: 'webapp'
  params: {
    name: appName
    location: location
    planSku: appServicePlanSku
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    tenantId: identity.outputs.tenantId
    tableServiceUri: storage.outputs.tableEndpoint
    queueServiceUri: storage.outputs.queueEndpoint
    instanceCount: instanceCount
    globalRequestsPerSecond: teamsGlobalRequestsPerSecond
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    workspaceId: monitoring.outputs.workspaceId
    optionalSettings: union(
      {
        Storage__RetentionDays: string(retentionDays)
        Cycle__CatchUpWindow: catchUpWindow
        Bot__Connector__PerConversationRequestsPerSecond: string(connectorPerConversationRequestsPerSecond)
        Telemetry__Exporter: telemetryExporter
        Telemetry__OtlpEndpoint: otlpEndpoint
        Pages__PrivacyUrl: privacyUrl
        Pages__TermsUrl: termsUrl
        Pages__PublicBaseUrl: publicBaseUrl
      },
      toObject(range(0, length(allowedCallerAppIds)), i => 'Bot__AllowedCallerAppIds__${i}', i => allowedCallerAppIds[i]),
      extraAppSettings
    )
    tags: tags
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: 'bot-${appName}'
    displayName: 'UpdateBot'
    sku: botSku
    endpoint: 'https://${web.outputs.hostName}/api/messages'
    identityClientId: identity.outputs.clientId
    identityId: identity.outputs.id
    tenantId: identity.outputs.tenantId
    tags: tags
  }
}

@description('The bot\'s Microsoft app id (the managed identity\'s client id): BOT_ID when packaging the Teams app.')
output botAppId string = identity.outputs.clientId

@description('Entra tenant of the bot (the identity\'s tenant).')
output botTenantId string = identity.outputs.tenantId

@description('Azure Bot resource name.')
output botName string = bot.outputs.name

@description('Messaging endpoint registered with the Azure Bot.')
output botEndpoint string = bot.outputs.endpoint

@description('Web app name (for az webapp deploy).')
output webAppName string = web.outputs.name

@description('Web app host name: BOT_DOMAIN when packaging the Teams app.')
output webAppHostName string = web.outputs.hostName

@description('Storage account name.')
output storageAccountName string = storage.outputs.name

@description('Table endpoint the service uses (Storage__TableServiceUri).')
output storageTableEndpoint string = storage.outputs.tableEndpoint

@description('Queue endpoint the service uses (Storage__QueueServiceUri).')
output storageQueueEndpoint string = storage.outputs.queueEndpoint

@description('Resource id of the managed identity.')
output managedIdentityResourceId string = identity.outputs.id

@description('Application Insights resource name.')
output appInsightsName string = monitoring.outputs.appInsightsName

@description('Resource group that holds everything.')
output resourceGroupName string = resourceGroup().name

@description('Region of the regional resources.')
output location string = location

// The same values under the names the Microsoft 365 Agents Toolkit writes to env/.env.<env> after `arm/deploy`
// (m365agents.yml): the manifest's ${{BOT_ID}} and ${{BOT_DOMAIN}}, and the web app its zipDeploy targets.
@description('Agents Toolkit: the bot\'s Microsoft app id.')
output BOT_ID string = identity.outputs.clientId

@description('Agents Toolkit: the bot\'s host name.')
output BOT_DOMAIN string = web.outputs.hostName

@description('Agents Toolkit: the web app deploy targets.')
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = web.outputs.id
