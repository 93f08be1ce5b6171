// FieldSync in one resource group: storage (tables, queues, deployment container), telemetry (with the operators'
// workbook and alerts), a user-assigned identity with data-plane roles, and the function app on Flex Consumption.
// No keys, connection strings with secrets, or publishing passwords exist: every caller authenticates with Entra ID.
// Deploy: az deployment group create -g <resource group> --parameters infra/main.bicepparam
targetScope = 'resourceGroup'

@description('Short name of the application, the start of every resource name: lowercase letters and digits, 2-10 characters.')
@minLength(2)
@maxLength(10)
param namePrefix string = 'fieldsync'

@description('Environment name (dev, test, prod...), part of every resource name: lowercase letters and digits, 1-7 characters.')
@minLength(1)
@maxLength(7)
param environmentName string = 'dev'

@description('Region of every resource. Must offer Flex Consumption.')
param location string = resourceGroup().location

@description('Tags for every resource.')
param tags { *: string } = {
  application: 'FieldSync'
  environment: environmentName
}

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Prefix of every FieldSync table (FieldSync__Storage__TablePrefix). Queue names are fixed, so every environment gets its own storage account (this template creates one). Letters and digits only, starting with a letter (table names allow nothing else), 1-20 characters.')
@minLength(1)
@maxLength(20)
param tablePrefix string = 'fs'

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances Flex Consumption scales the app out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('How callers are authenticated: Entra (the app validates Entra ID access tokens itself) or EasyAuth (App Service Authentication validates them and passes the caller to the app).')
@allowed([
  'Entra'
  'EasyAuth'
])
param authMode string = 'Entra'

@description('Entra ID tenant that issues the API\'s access tokens.')
param tenantId string = tenant().tenantId

@description('Application (client) id of the API\'s app registration, a GUID. Required.')
@minLength(36)
@maxLength(36)
param apiClientId string

@description('Audience the API accepts besides its client id: the App ID URI (v1 tokens carry it in aud; v2 tokens carry the client id).')
param apiAudience string = 'api://${apiClientId}'

@description('Conflict detection for offline profiles that do not state it (FieldSync__Sync__ConflictDetection).')
param conflictDetection bool = false

@description('Copies of each profile\'s shared scope (FieldSync__Sync__SharedScopeReplicas): 1 serves about 2,000 devices at a morning peak; set 8 for about 15,000 devices.')
@minValue(1)
@maxValue(64)
param sharedScopeReplicas int = 1

@description('Days sync errors are kept before the daily purge (FieldSync__SyncErrors__RetentionDays).')
@minValue(1)
@maxValue(3650)
param syncErrorRetentionDays int = 30

@description('Days a device may go unseen before the hourly cleanup removes it (FieldSync__Devices__StaleAfterDays).')
@minValue(1)
@maxValue(3650)
param staleDeviceDays int = 90

@description('Days processed push batches stay in the device inboxes, re-sent batch ids answering with their receipt, before the hourly purge (FieldSync__Push__InboxRetentionDays).')
@minValue(1)
@maxValue(3650)
param inboxRetentionDays int = 30

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Email address the alerts notify (the action group\'s one receiver). Empty: the action group has no receivers; the alerts still fire and show in Azure Monitor → Alerts, and receivers can be added later.')
param alertEmail string = ''

@description('Whether the alert rules evaluate. Set false while telemetry is deliberately off (FieldSync__Telemetry__Enabled=false), or the no-telemetry alert fires.')
param alertsEnabled bool = true

@description('Alert when more than this percentage of the pulls in 15 minutes failed (windows with at least 20 pulls).')
@minValue(1)
@maxValue(100)
param alertPullFailureRatePercent int = 10

@description('Alert when the 95th percentile of pull duration in 15 minutes is above this many milliseconds (windows with at least 20 pulls).')
@minValue(100)
param alertPullDurationP95Ms int = 5000

@description('Alert when the oldest message in the push queue has waited more than this many seconds (pushed batches are not being applied).')
@minValue(60)
param alertPushBacklogAgeSeconds int = 300

@description('Optional: object id of a person or group who gets table and queue data access on the storage account, for troubleshooting (keys are off). Empty for none.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

// The one list of tables (without the prefix) and queues the template creates. They must equal
// FieldSync.Storage.TableNames.All and FieldSync.Core.Sync.QueueNames.All, and cover every queue trigger in the
// app's functions.metadata: tests/FieldSync.Infra.Tests checks both ways.
var tableSuffixes = [
  'records'
  'feed'
  'scopes'
  'holders'
  'inbox'
  'pushpending'
  'profiles'
  'devices'
  'syncerrors'
]

var queueNames = [
  'fieldsync-record-changes'
  'fieldsync-record-changes-poison'
  'fieldsync-scope-evaluations'
  'fieldsync-scope-evaluations-poison'
  'fieldsync-push'
  'fieldsync-push-poison'
  'fieldsync-feed-sweeps'
  'fieldsync-feed-sweeps-poison'
]

var resourceToken = uniqueString(resourceGroup().id)
var baseName = '${namePrefix}-${environmentName}-${resourceToken}'
// Storage account names allow only lowercase letters and digits, at most 24: the token is shortened when the
// prefix and environment name are long (to 7 of its 13 characters at the longest).
var storageAccountName = take(toLower('${namePrefix}${environmentName}${resourceToken}'), 24)
var deploymentContainerName = 'deployment-package'
var appInsightsName = 'appi-${baseName}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${baseName}'
  location: location
  tags: tags
}

// Module deployments are named after this deployment, so two environments deployed to one resource group at once
// do not overwrite each other's deployment records.
module storage 'modules/storage.bicep' = {
  name: '${deployment().name}-storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    skuName: storageSkuName
    tableNames: [for suffix in tableSuffixes: '${tablePrefix}${suffix}']
    queueNames: queueNames
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: '${deployment().name}-monitoring'
  params: {
    workspaceName: 'log-${baseName}'
    appInsightsName: appInsightsName
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
  }
}

// The operators' workbook and alerts on the component (docs/operations.md); their queries are the files in
// infra/monitoring/.
module workbook 'modules/workbook.bicep' = {
  name: '${deployment().name}-workbook'
  dependsOn: [
    monitoring
  ]
  params: {
    appInsightsName: appInsightsName
    location: location
    tags: tags
    displayName: 'FieldSync operations (${namePrefix}-${environmentName})'
  }
}

module alerts 'modules/alerts.bicep' = {
  name: '${deployment().name}-alerts'
  dependsOn: [
    monitoring
  ]
  params: {
    appInsightsName: appInsightsName
    location: location
    tags: tags
    namePrefix: baseName
    alertEmail: alertEmail
    enabled: alertsEnabled
    pullFailureRatePercent: alertPullFailureRatePercent
    pullDurationP95Ms: alertPullDurationP95Ms
    pushBacklogAgeSeconds: alertPushBacklogAgeSeconds
  }
}

// Names go to the modules as values known before the deployment starts (what-if can then predict the
// resources), so the order is stated with dependsOn.
module roles 'modules/roles.bicep' = {
  name: '${deployment().name}-roles'
  dependsOn: [
    storage
    monitoring
  ]
  params: {
    storageAccountName: storageAccountName
    appInsightsName: appInsightsName
    // The role assignment names include the principal id (so a recreated identity gets new assignments instead of
    // a conflict), which exists only once the identity does: what-if cannot predict those names, and that is fine.
    #disable-next-line what-if-short-circuiting
    principalId: identity.properties.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
  }
}

// After the roles, so the host's first start already has its storage and telemetry access.
module functionApp 'modules/functionapp.bicep' = {
  name: '${deployment().name}-functionapp'
  dependsOn: [
    roles
  ]
  params: {
    planName: 'plan-${baseName}'
    functionAppName: 'func-${baseName}'
    location: location
    tags: tags
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    appInsightsName: appInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    authMode: authMode
    tenantId: tenantId
    apiClientId: apiClientId
    apiAudience: apiAudience
    conflictDetection: conflictDetection
    sharedScopeReplicas: sharedScopeReplicas
    syncErrorRetentionDays: syncErrorRetentionDays
    staleDeviceDays: staleDeviceDays
    inboxRetentionDays: inboxRetentionDays
    tablePrefix: tablePrefix
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output appInsightsName string = monitoring.outputs.appInsightsName
output storageAccountName string = storage.outputs.name
output identityClientId string = identity.properties.clientId
