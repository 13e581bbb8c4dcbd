using 'main.bicep'

// Edit for your squad; every parameter has a safe default. See docs/deploy.md.
param baseName = 'updatebot'
param appServicePlanSku = 'B1'
param instanceCount = 1
param teamsGlobalRequestsPerSecond = 30
param botSku = 'F0'
param storageSku = 'Standard_LRS'
param logRetentionInDays = 30

// The service's optional settings: change them here and re-deploy (a deployment replaces every app setting).
param retentionDays = 365
param catchUpWindow = '1.00:00:00'
param connectorPerConversationRequestsPerSecond = 7
param allowedCallerAppIds = []
param telemetryExporter = 'none'
param otlpEndpoint = ''
param privacyUrl = ''
param termsUrl = ''
param publicBaseUrl = ''
param extraAppSettings = {}
param tags = {
  app: 'updatebot'
  squad: 'mental-health-discovery'
}
