// The Event Grid subscription that feeds RemoveDeletedArticle (Event Grid trigger): BlobDeleted events of the incoming
// container, posted to the Event Grid extension's webhook. When a file is deleted, its article leaves the API and, at
// their next run, the feeds.
//
// Like ingest-subscription.bicep, not part of main.bicep: the webhook URL carries the app's eventgrid_extension
// system key, which exists only once the code is deployed and the host runs. scripts/post-deploy.sh deploys both.
//
// Deletions are handled idempotently and checked against the file's current state (a file uploaded again since is
// left alone), so the same retries and dead-letter destination as ingest's apply: an undelivered deletion is written to
// eventgrid-deadletter, where it can be found and replayed.

@description('Name of the storage account\'s Event Grid system topic (main.bicep output EVENT_GRID_SYSTEM_TOPIC_NAME).')
param systemTopicName string

@description('Name of the storage account that holds the dead-letter container (main.bicep output AZURE_STORAGE_ACCOUNT_NAME).')
param storageAccountName string

@description('Host name of the function app (main.bicep output AZURE_FUNCTION_APP_HOST_NAME).')
param functionAppHostName string

@secure()
@description('The app\'s eventgrid_extension system key (az functionapp keys list --query systemKeys.eventgrid_extension).')
param eventGridExtensionKey string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource deletionSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'remove-deleted-article'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // Built from the @secure() key; Event Grid returns only endpointBaseUrl, never the key.
        #disable-next-line use-secure-value-for-secure-inputs
        endpointUrl: 'https://${functionAppHostName}/runtime/webhooks/EventGrid?functionName=RemoveDeletedArticle&code=${eventGridExtensionKey}'
        // One deletion per delivery: a failure retries only that one.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobDeleted'
      ]
      subjectBeginsWith: '/blobServices/default/containers/incoming/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: account.id
          blobContainerName: 'eventgrid-deadletter'
        }
      }
    }
  }
}
