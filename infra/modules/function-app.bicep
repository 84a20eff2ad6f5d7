// The Flex Consumption (FC1) function app: Linux, .NET isolated worker, scale to zero. Every connection is
// identity-based through the user-assigned identity: no app setting holds a key, a SAS or a connection string.
// Flex Consumption takes the runtime from functionAppConfig and rejects FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and the WEBSITE_* content settings, so none is set.

@description('Name of the function app (also its host name: <name>.azurewebsites.net).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('The storage account: host storage, the pipeline\'s data, the deployment container.')
param storageAccountName string

@description('Container that holds the app package.')
param deploymentContainerName string

@description('Public URL of the feeds container, ending with a slash.')
param feedsUrl string

@description('Application Insights resource.')
param applicationInsightsName string

@description('NCRONTAB schedule of PublishFeeds.')
param feedSchedule string

@description('NCRONTAB schedule of RedriveFailedBlobs (tries again, with backoff, the blobs the host gave up on).')
param redriveSchedule string

@description('NCRONTAB schedule of SweepIncoming (ingests the blobs of incoming that no event brought).')
param sweepSchedule string

@description('NCRONTAB schedule of the ApplyScheduledTransitions timer.')
param transitionSchedule string

@description('NCRONTAB schedule of RepairPendingSaves (finishes the index updates of saves a dead process left half done).')
param repairSchedule string

@description('NCRONTAB schedule of the webhook dispatcher.')
param webhookSchedule string

@description('Newest published articles per feed.')
param feedMaxItems int

@description('A WebSub hub the feeds name and feed runs notify; empty for none.')
param feedsHubUrl string

@description('Largest article file ingested, in bytes.')
param ingestMaxFileBytes int

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Origins (https://host[:port]) whose web pages may call the API from a browser; empty: none.')
param corsAllowedOrigins array

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  // azd finds the app to deploy service 'api' (azure.yaml) by this tag.
  tags: union(tags, {
    'azd-service-name': 'api'
  })
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
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Only the listed origins; none by default. No credentials: callers authenticate with a function key in a header
      // (x-functions-key), not with cookies.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      appSettings: [
        // The host's storage (leases, blob receipts, keys, diagnostics); accountName covers blob, queue and table.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: account.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        // The pipeline's connection (ContentPipeline.Hosting.StorageConnection): the blob trigger uses blob and queue
        // (its poison queue), the pipeline's clients blob and table.
        {
          name: 'ContentStorage__blobServiceUri'
          value: account.properties.primaryEndpoints.blob
        }
        {
          name: 'ContentStorage__queueServiceUri'
          value: account.properties.primaryEndpoints.queue
        }
        {
          name: 'ContentStorage__tableServiceUri'
          value: account.properties.primaryEndpoints.table
        }
        {
          name: 'ContentStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'ContentStorage__clientId'
          value: identityClientId
        }
        // Not a secret (it only says where to send telemetry); the identity authenticates the sending.
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: applicationInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identityClientId};Authorization=AAD'
        }
        {
          name: 'FeedSchedule'
          value: feedSchedule
        }
        {
          name: 'RedriveSchedule'
          value: redriveSchedule
        }
        {
          name: 'SweepSchedule'
          value: sweepSchedule
        }
        {
          name: 'TransitionSchedule'
          value: transitionSchedule
        }
        {
          name: 'RepairSchedule'
          value: repairSchedule
        }
        {
          name: 'WebhookSchedule'
          value: webhookSchedule
        }
        {
          name: 'Feeds__PublicBaseUrl'
          value: feedsUrl
        }
        {
          name: 'Feeds__MaxItems'
          value: string(feedMaxItems)
        }
        {
          name: 'Feeds__HubUrl'
          value: feedsHubUrl
        }
        {
          name: 'Ingest__MaxFileBytes'
          value: string(ingestMaxFileBytes)
        }
      ]
    }
  }
}

// Publishing with user names and passwords is off; azd deploys with Microsoft Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
