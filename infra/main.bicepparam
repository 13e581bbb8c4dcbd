using 'main.bicep'

// Edit for your squad; every parameter has a safe default. See docs/deploy.md.
param baseName = 'updatebot'
param appServicePlanSku = 'B1'
param instanceCount = 1
param teamsGlobalRequestsPerSecond = 30
param botSku = 'F0'
param storageSku = 'Standard_LRS'
param telemetryExporter = 'none'
param logRetentionInDays = 30
param tags = {
  app: 'updatebot'
  squad: 'mental-health-discovery'
}
