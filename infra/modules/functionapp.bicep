// The Flex Consumption plan and the function app. Everything is identity-based: the Functions host, the app's own
// storage clients, Application Insights ingestion and the deployment package all authenticate as the
// user-assigned identity. Flex Consumption takes its runtime and scale from functionAppConfig; the settings older
// plans used for that (FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE,
// WEBSITE_CONTENT*, linuxFxVersion, alwaysOn) are rejected or ignored there, so none is set.

param planName string

param functionAppName string

param location string

param tags { *: string }

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client (application) id of that identity.')
param identityClientId string

param storageAccountName string

param deploymentContainerName string

param appInsightsName string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@allowed([
  'Entra'
  'EasyAuth'
])
param authMode string

param tenantId string

param apiClientId string

param apiAudience string

param conflictDetection bool

@minValue(1)
@maxValue(64)
param sharedScopeReplicas int

@minValue(1)
@maxValue(3650)
param syncErrorRetentionDays int

@minValue(1)
@maxValue(3650)
param staleDeviceDays int

@minValue(1)
@maxValue(3650)
param inboxRetentionDays int

param tablePrefix string

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Every app setting, in one place. The names are the configuration keys the app reads ("__" is ":").
var appSettings = {
  // The Functions host's own storage (triggers, leases, timers) and, through the same section, the app's table
  // and queue clients: identity-based, so no connection string exists anywhere.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  // The connection string names the component and the ingestion endpoint; with local auth disabled it cannot
  // send anything on its own. The authentication string makes senders use the identity's Entra token.
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  FieldSync__Auth__Mode: authMode
  FieldSync__Auth__TenantId: tenantId
  FieldSync__Auth__ClientId: apiClientId
  FieldSync__Auth__Audience: apiAudience
  // The sign-in authority of the cloud this is deployed to (public, US Gov, China...).
  FieldSync__Auth__Instance: environment().authentication.loginEndpoint
  // string(bool) gives 'True'/'False'; the lowercase form is what every other bool setting uses.
  FieldSync__Sync__ConflictDetection: conflictDetection ? 'true' : 'false'
  FieldSync__Sync__SharedScopeReplicas: string(sharedScopeReplicas)
  FieldSync__SyncErrors__RetentionDays: string(syncErrorRetentionDays)
  FieldSync__Devices__StaleAfterDays: string(staleDeviceDays)
  FieldSync__Push__InboxRetentionDays: string(inboxRetentionDays)
  FieldSync__Storage__TablePrefix: tablePrefix
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettingsConfig 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// Publishing goes through Entra ID (az functionapp deploy / func publish with an Entra token); no FTP or SCM
// user names and passwords exist.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service Authentication only when chosen: in Entra mode the app validates the tokens itself and the platform
// must not stand in front of it. /api/health stays open for probes.
resource authSettings 'Microsoft.Web/sites/config@2025-03-01' = if (authMode == 'EasyAuth') {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/health'
      ]
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
          clientId: apiClientId
        }
        validation: {
          allowedAudiences: [
            apiClientId
            apiAudience
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name

output defaultHostName string = site.properties.defaultHostName
