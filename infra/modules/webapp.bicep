// Linux App Service plan and the web app that hosts the bot service (.NET 10), running as the managed identity.
@description('Web app name (also the first label of its *.azurewebsites.net host name).')
param name string

@description('Azure region.')
param location string

@description('App Service plan SKU (B1 or higher: "always on" is not available on Free).')
param planSku string = 'B1'

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity (also the bot\'s Microsoft app id).')
param identityClientId string

@description('Entra tenant id of the bot identity.')
param tenantId string

@description('Table endpoint of the storage account, e.g. https://<account>.table.core.windows.net/.')
param tableServiceUri string

@description('Queue endpoint of the storage account, e.g. https://<account>.queue.core.windows.net/.')
param queueServiceUri string

@description('Number of instances the plan runs (scale-out); each takes work from the queue.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Requests per second Teams allows the bot across all instances (docs/protocol.md, "Rate limits").')
@minValue(1)
param globalRequestsPerSecond int = 30

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Optional service settings by app setting name; empty values are left out (the service\'s default applies).')
param optionalSettings object = {}

@description('Log Analytics workspace that receives the app\'s console and HTTP logs.')
param workspaceId string

param tags object = {}

// Each instance limits itself to its share of the global budget, so together they stay inside Teams' limit
// (rounded down: never over it).
var perInstanceRequestsPerSecond = max(1, globalRequestsPerSecond / instanceCount)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-${name}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: planSku
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz'
      // The whole list is replaced on every deployment: every setting the service needs lives here or in optionalSettings.
      appSettings: concat([
        { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
        { name: 'Bot__AppId', value: identityClientId }
        { name: 'Bot__TenantId', value: tenantId }
        { name: 'Bot__AppType', value: 'UserAssignedMSI' }
        { name: 'Storage__TableServiceUri', value: tableServiceUri }
        { name: 'Storage__QueueServiceUri', value: queueServiceUri }
        { name: 'Bot__Connector__GlobalRequestsPerSecond', value: string(perInstanceRequestsPerSecond) }
        { name: 'Storage__ManagedIdentityClientId', value: identityClientId }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        // The service exports logs, metrics and traces in process (Azure Monitor OpenTelemetry distro), signed in as
        // the identity; App Service's own agent is not enabled, so nothing is sent twice.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
        { name: 'Telemetry__ManagedIdentityClientId', value: identityClientId }
      ], map(filter(items(optionalSettings), s => !empty(s.value)), s => { name: s.key, value: s.value }))
    }
  }
}

// No basic (user name and password) authentication for FTP or for SCM (Kudu): deployments sign in with Entra ID
// (az webapp deploy). https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// Container logging to the file system (what `az webapp log config --docker-container-logging filesystem` sets), so
// that `az webapp log tail` streams the service's console output; kept small, the durable copy is in Log Analytics.
resource siteLogs 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'logs'
  properties: {
    httpLogs: {
      fileSystem: {
        enabled: true
        retentionInMb: 35
        retentionInDays: 3
      }
    }
  }
}

// Structured console logs (a scope per turn and per squad-week step) and HTTP logs, queryable in Log Analytics.
resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

output id string = site.id
output name string = site.name
output hostName string = site.properties.defaultHostName
