// The app's one identity. User-assigned rather than system-assigned: it exists before the app, so its roles are in
// place when the app first starts, and Flex Consumption's deployment storage can use it.

@description('Name of the identity.')
param name string

@description('Region.')
param location string

@description('Tags.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
