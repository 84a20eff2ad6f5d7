// The Event Grid subscription that feeds IngestArticle (blob trigger, Source = EventGrid): BlobCreated events of the
// incoming container, finished writes only, posted to the blobs extension's webhook.
//
// Not part of main.bicep: the webhook URL carries the app's blobs_extension system key, which exists only after the
// code is deployed and the host has indexed the trigger. scripts/post-deploy.sh (the azd postdeploy hook) reads the
// key and deploys this template into the app's resource group; running it again updates the subscription in place.
// Event Grid validates the webhook when the subscription is created (the blobs extension answers the handshake).
//
// An event still undelivered when its retries run out is written to the eventgrid-deadletter container (created, and
// the topic's identity given write access to it alone, by main.bicep), so a missed upload can be found and replayed.

@description('Name of the storage account\'s Event Grid system topic (main.bicep output EVENT_GRID_SYSTEM_TOPIC_NAME).')
param systemTopicName string

@description('Name of the storage account that holds the dead-letter container (main.bicep output AZURE_STORAGE_ACCOUNT_NAME).')
param storageAccountName string

@description('Host name of the function app (main.bicep output AZURE_FUNCTION_APP_HOST_NAME).')
param functionAppHostName string

@secure()
@description('The app\'s blobs_extension system key (az functionapp keys list --query systemKeys.blobs_extension).')
param blobsExtensionKey string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource ingestSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: 'ingest-article'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The URL is built from the @secure() key, and ARM keeps resource properties out of deployment history (it
        // records parameters, which are secure here); Event Grid returns only endpointBaseUrl, never the key.
        #disable-next-line use-secure-value-for-secure-inputs
        endpointUrl: 'https://${functionAppHostName}/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code=${blobsExtensionKey}'
        // One blob per delivery: a failure retries only that blob.
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/incoming/'
      // Finished writes only: a block blob committed at once (PutBlob) or from blocks (PutBlockList), a copy, or a
      // Data Lake file flushed and closed. Not the intermediate calls of an upload in progress.
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.api'
          values: [
            'PutBlob'
            'PutBlockList'
            'CopyBlob'
            'FlushWithClose'
          ]
        }
      ]
    }
    // Event Grid retries for up to 24 hours; ingest is idempotent, so a repeated delivery changes nothing.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // Then it writes the event, as a blob, with the system topic's identity (no key or SAS to keep). Those blobs raise
    // BlobCreated events too, but the filter above passes only the incoming container's.
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
