// Role assignments: data-plane roles only, scoped to the one resource each is for. No control-plane role (Owner,
// Contributor) is given to anyone: the app reads and writes data, it never manages resources.

@description('The storage account the app uses.')
param storageAccountName string

@description('The Application Insights resource the app reports to.')
param applicationInsightsName string

@description('Principal id of the app\'s user-assigned identity.')
param identityPrincipalId string

@description('Principal id of the user running azd; empty: none.')
param userPrincipalId string

@description('Principal id of the uploader (a user, group or service principal that puts article files in the incoming container); empty: none.')
param uploaderPrincipalId string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('Type of the uploader\'s principal.')
param uploaderPrincipalType string

@description('The container uploaders write to (storage.bicep).')
param incomingContainerName string

@description('Principal id of the Event Grid system topic\'s system-assigned identity.')
param systemTopicPrincipalId string

@description('The container the ingest subscription dead-letters to (storage.bicep).')
param deadLetterContainerName string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: account
  name: 'default'
}

resource incomingContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: incomingContainerName
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Storage Blob Data Owner (b7e6dc6d-f1e8-4753-8033-0f276bb0955b). The Functions documentation names this role for
// both blob uses of the identity: AzureWebJobsStorage (the host's leases for timers and blob receipts, function keys
// in azure-webjobs-secrets) and the blob trigger's connection. Storage Blob Data Contributor covers reading, writing
// and leasing blobs and would most likely do, but it is not the documented configuration, and a missing permission
// shows up only at run time, as a host that cannot start or a trigger that does not fire. Owner adds blob tags and
// ACLs (the account has no hierarchical namespace, so ACLs do not apply). Scoped to this account only.
resource blobDataOwner 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
}

// Storage Queue Data Contributor (974c5e8b-45b9-4653-ba55-5f855dd0fb88): the blob trigger's poison queue
// (webjobs-blobtrigger-poison) and the host's internal queues.
resource queueDataContributor 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
}

// Storage Table Data Contributor (0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3): the articles and articleindex tables, and
// the host's diagnostic-events table.
resource tableDataContributor 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

// Monitoring Metrics Publisher (3913510d-42f4-4e42-8a64-420c390055eb): send telemetry to Application Insights with
// Microsoft Entra authentication (local authentication is disabled there).
resource metricsPublisher 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Storage Blob Data Contributor (ba92f5b4-2d11-453d-a403-e96b0029c9fe): the person who deployed can upload articles
// (az storage blob upload --auth-mode login) and read rejected files; the uploader can write to incoming only; the
// system topic can write dead letters to their container only.
resource blobDataContributor 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource identityBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, blobDataOwner.id)
  scope: account
  properties: {
    roleDefinitionId: blobDataOwner.id
    principalId: identityPrincipalId
    // Stated, so the assignment does not wait for the new identity to replicate in Microsoft Entra ID.
    principalType: 'ServicePrincipal'
  }
}

resource identityQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, queueDataContributor.id)
  scope: account
  properties: {
    roleDefinitionId: queueDataContributor.id
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource identityTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, tableDataContributor.id)
  scope: account
  properties: {
    roleDefinitionId: tableDataContributor.id
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource identityTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityPrincipalId, metricsPublisher.id)
  scope: applicationInsights
  properties: {
    roleDefinitionId: metricsPublisher.id
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// No principalType: azd may run as a user or, in a pipeline, as a service principal.
resource userBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(account.id, userPrincipalId, blobDataContributor.id)
  scope: account
  properties: {
    roleDefinitionId: blobDataContributor.id
    principalId: userPrincipalId
  }
}

// Scoped to the incoming container, not the account: an uploader's credentials cannot read other containers (rejected
// files, the host's keys in azure-webjobs-secrets, the app package) nor write the feeds. Contributor is the narrowest
// built-in role that can write blobs.
resource uploaderBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(uploaderPrincipalId)) {
  name: guid(incomingContainer.id, uploaderPrincipalId, blobDataContributor.id)
  scope: incomingContainer
  properties: {
    roleDefinitionId: blobDataContributor.id
    principalId: uploaderPrincipalId
    principalType: uploaderPrincipalType
  }
}

// Event Grid writes the ingest subscription's undeliverable events with the system topic's identity
// (deadLetterWithResourceIdentity in events/ingest-subscription.bicep); it needs to write to that container and no other.
resource systemTopicDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, systemTopicPrincipalId, blobDataContributor.id)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: blobDataContributor.id
    principalId: systemTopicPrincipalId
    principalType: 'ServicePrincipal'
  }
}
