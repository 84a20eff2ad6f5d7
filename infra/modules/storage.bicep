// The storage account: the Functions host's own storage (AzureWebJobsStorage), the pipeline's containers and tables
// (ContentStorage), the deployment container of the Flex Consumption app, and the Event Grid system topic that
// publishes its blob events. Every client authenticates with Microsoft Entra ID: shared keys are disabled.
//
// Feeds exposure: the feeds container allows anonymous reads of its blobs (public access 'Blob': no listing), and no
// other container does. Chosen over a CDN or Front Door origin because the feeds are public by nature, Blob Storage
// already answers conditional GETs (ETag, Last-Modified) and honours the Cache-Control the publisher sets, and it adds
// no fixed monthly cost; Front Door Standard has a base fee, and a private origin needs Premium (Private Link).
// That is also how the local host serves them. The account-level switch (allowBlobPublicAccess) only permits
// containers to opt in; to put a CDN in front later, set Feeds__PublicBaseUrl to its URL. Where a policy forbids
// anonymous access, turn the switch off and front the container with Front Door instead.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

@description('Container that holds the app package of the Flex Consumption app.')
param deploymentContainerName string

@description('Name of the Event Grid system topic of this account.')
param systemTopicName string

// Where uploaders put article files (ContentPipeline.Storage.StorageNames.IncomingContainer); roles.bicep lets the
// uploader write here and nowhere else.
var incomingContainerName = 'incoming'

// Where Event Grid puts the events of the ingest subscription that it could not deliver within its retries
// (events/ingest-subscription.bicep, which names it too). Only the system topic's identity may write here.
var deadLetterContainerName = 'eventgrid-deadletter'

// Containers no anonymous caller may read. The pipeline's (ContentPipeline.Storage.StorageNames, except feeds), the
// host's own (receipts and timer leases; function keys), Event Grid's dead letters, created here so that nothing
// depends on the app creating them.
var privateContainerNames = [
  incomingContainerName
  'rejected'
  'article-bodies'
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
  deploymentContainerName
  deadLetterContainerName
]

// The pipeline's tables (ContentPipeline.Storage.StorageNames.Tables).
var tableNames = [
  'articles'
  'articleindex'
  'ingeststate'
  'webhooks'
  'stories'
  'storykeys'
]

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    // Identity only: no account keys or SAS can be used, so none can leak.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    // Permits containers to opt in to anonymous reads; only feeds does (see the comment at the top).
    allowBlobPublicAccess: true
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    // A deleted or overwritten blob, or a deleted container, can be recovered for 7 days: an uploader's mistake or a bug
    // that deletes or rewrites articles, bodies or feeds is undone by restoring the previous version or undeleting.
    // allowPermanentDelete false: no caller can purge a soft-deleted blob or version before the 7 days are up.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
      allowPermanentDelete: false
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    isVersioningEnabled: true
    // Browsers may fetch the feeds (JSON Feed from a web page). CORS grants no access by itself: private containers
    // stay private.
    cors: {
      corsRules: [
        {
          allowedOrigins: [
            '*'
          ]
          allowedMethods: [
            'GET'
            'HEAD'
          ]
          allowedHeaders: [
            '*'
          ]
          exposedHeaders: [
            'ETag'
            'Last-Modified'
            'Cache-Control'
            'Content-Type'
          ]
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource privateContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in privateContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource feedsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: 'feeds'
  properties: {
    // Anonymous reads of single blobs; the container cannot be listed.
    publicAccess: 'Blob'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: account
  name: 'default'
}

// Webhook deliveries waiting for their next attempt.
resource webhookQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: 'webhook-deliveries'
}

// Where the host puts a blob that failed five times (the blob trigger's poison queue): watch it.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = {
  parent: queueService
  name: 'webjobs-blobtrigger-poison'
}

// Publishes the account's blob events. The subscription that delivers BlobCreated events to the ingest function is
// created after the code is deployed (events/ingest-subscription.bicep, run by scripts/post-deploy.sh). The topic's
// own identity writes that subscription's dead letters (no key or SAS); roles.bicep scopes its role to their container.
resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainerName
output feedsUrl string = '${account.properties.primaryEndpoints.blob}${feedsContainer.name}/'
output systemTopicName string = systemTopic.name
output systemTopicPrincipalId string = systemTopic.identity.principalId
output incomingContainerName string = incomingContainerName
output deadLetterContainerName string = deadLetterContainerName
