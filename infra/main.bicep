// The content pipeline on Azure: one Flex Consumption function app, its storage account, a user-assigned identity
// that every connection uses (no keys, no connection strings), Application Insights on Log Analytics, and the
// Event Grid system topic that tells the ingest function about new blobs.
//
// `azd up` provisions this file, deploys src/ContentPipeline.Functions, then runs scripts/post-deploy.sh. That hook
// creates the Event Grid subscription (events/ingest-subscription.bicep): its webhook URL needs the app's
// blobs_extension system key, which exists only once the code is deployed and the host runs.
//
// tests/ContentPipeline.InfraTests compiles this template and checks it against the code: every app setting,
// container and table the code reads is set here, no setting holds a secret.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name prefix: the azd environment name. Names the resource group and, with a unique token, every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user or service principal running azd (azd passes AZURE_PRINCIPAL_ID). It may upload to and read the containers (Storage Blob Data Contributor), so the README\'s upload works. Empty: no assignment.')
param principalId string = ''

@description('Object id of the uploader: a user, group or service principal (an upload job) that puts article files in the incoming container (azd env var UPLOADER_PRINCIPAL_ID). It gets Storage Blob Data Contributor on that container only. Empty: no assignment.')
param uploaderPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('Type of uploaderPrincipalId (azd env var UPLOADER_PRINCIPAL_TYPE).')
param uploaderPrincipalType string = 'ServicePrincipal'

@description('Origins whose web pages may call the API from a browser, comma-separated, e.g. \'https://editor.example.com,http://localhost:5173\' (azd env var CORS_ALLOWED_ORIGINS). Empty: no browser origin is allowed.')
param corsAllowedOrigins string = ''

@description('NCRONTAB schedule of the PublishFeeds timer (6 fields, UTC). The default is the app\'s documented one.')
param feedSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule of the RedriveFailedBlobs timer: how often failed blobs are checked for a due retry.')
param redriveSchedule string = '0 * * * * *'

@description('NCRONTAB schedule of the SweepIncoming timer: how often incoming is swept for blobs no event brought.')
param sweepSchedule string = '0 */15 * * * *'

@description('NCRONTAB schedule (UTC) of ApplyScheduledTransitions: embargoes that ended and expiries that passed reach the index.')
param transitionSchedule string = '0 * * * * *'

@description('NCRONTAB schedule (UTC) of RepairPendingSaves: saves that a dead process left half done reach the index and the feeds.')
param repairSchedule string = '0 * * * * *'

@description('NCRONTAB schedule of the webhook dispatcher (UTC).')
param webhookSchedule string = '*/10 * * * * *'

@minValue(1)
@maxValue(1000)
@description('Newest published articles per feed.')
param feedMaxItems int = 50

@description('A WebSub hub (https) the feeds name and each feed run notifies of the feeds it changed; empty for none.')
param feedsHubUrl string = ''

@minValue(1024)
@maxValue(67108864)
@description('Largest article file ingested, in bytes; larger files are rejected unread.')
param ingestMaxFileBytes int = 1048576

@minValue(40)
@maxValue(1000)
@description('Most instances the app scales out to: the ceiling of what a burst of uploads or requests can cost.')
param maximumInstanceCount int = 40

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// At most 20 characters of the environment name, not ending with a hyphen (names would get a double hyphen, which
// container names do not allow).
var prefix = toLower(endsWith(take(environmentName, 20), '-') ? take(environmentName, 19) : take(environmentName, 20))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${prefix}-${resourceToken}'
// The comma-separated list as an array, without blanks: '' and ' , ' allow no origin.
var corsOrigins = filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: 'id-${prefix}-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    // Storage account names: 3-24 lowercase letters and digits, unique across Azure.
    name: 'st${take(replace(prefix, '-', ''), 9)}${resourceToken}'
    location: location
    tags: tags
    // Flex Consumption reads the app package from this container (with the identity).
    deploymentContainerName: 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
    systemTopicName: 'evgt-${prefix}-${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: 'log-${prefix}-${resourceToken}'
    applicationInsightsName: 'appi-${prefix}-${resourceToken}'
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    uploaderPrincipalId: uploaderPrincipalId
    uploaderPrincipalType: uploaderPrincipalType
    incomingContainerName: storage.outputs.incomingContainerName
    systemTopicPrincipalId: storage.outputs.systemTopicPrincipalId
    deadLetterContainerName: storage.outputs.deadLetterContainerName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: 'plan-${prefix}-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    feedsUrl: storage.outputs.feedsUrl
    feedsHubUrl: feedsHubUrl
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    feedSchedule: feedSchedule
    redriveSchedule: redriveSchedule
    sweepSchedule: sweepSchedule
    transitionSchedule: transitionSchedule
    repairSchedule: repairSchedule
    webhookSchedule: webhookSchedule
    feedMaxItems: feedMaxItems
    ingestMaxFileBytes: ingestMaxFileBytes
    maximumInstanceCount: maximumInstanceCount
    corsAllowedOrigins: corsOrigins
  }
  // The app starts as soon as it exists: its identity must already hold its roles.
  dependsOn: [
    roles
  ]
}

// azd stores these in the environment (.azure/<env>/.env); scripts/post-deploy.sh and the README's commands read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOST_NAME string = functionApp.outputs.defaultHostName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output EVENT_GRID_SYSTEM_TOPIC_NAME string = storage.outputs.systemTopicName
output FEEDS_URL string = storage.outputs.feedsUrl
output SERVICE_API_ENDPOINT_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
