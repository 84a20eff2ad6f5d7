#!/usr/bin/env bash
# azd postdeploy hook (azure.yaml): subscribes IngestArticle to the BlobCreated events of the incoming container, and
# RemoveDeletedArticle to its BlobDeleted events.
#
# Why after the deploy and not in infra/main.bicep: Event Grid posts to the extensions' webhooks,
#   https://<app>/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code=<blobs_extension key>
#   https://<app>/runtime/webhooks/EventGrid?functionName=RemoveDeletedArticle&code=<eventgrid_extension key>
# and those system keys exist only once the code is deployed and the host has indexed the triggers. Creating a
# subscription also makes Event Grid validate the webhook, which only a running app can answer. So this reads the keys
# and deploys infra/events/ingest-subscription.bicep and deletion-subscription.bicep (where the filters live, checked
# in CI). Running it again updates the subscriptions in place.
#
# azd passes the environment's values (main.bicep outputs) as environment variables. To run it by hand:
#   eval "$(azd env get-values)" && ./scripts/post-deploy.sh
# Needs the Azure CLI, signed in (az login) to the subscription azd deployed to.

# azd may start hooks with sh: continue in bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."

: "${AZURE_SUBSCRIPTION_ID:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"
: "${AZURE_RESOURCE_GROUP:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"
: "${AZURE_FUNCTION_APP_NAME:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"
: "${AZURE_FUNCTION_APP_HOST_NAME:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"
: "${AZURE_STORAGE_ACCOUNT_NAME:?not set: run through azd, or eval \"\$(azd env get-values)\" first}"

command -v az >/dev/null || { echo "error: the Azure CLI (az) is required: install it and run 'az login'" >&2; exit 2; }

# A request wakes the app, so the host starts, indexes the functions and creates the blobs_extension key.
curl --silent --output /dev/null --max-time 60 "https://${AZURE_FUNCTION_APP_HOST_NAME}/api/openapi.json" || true

# system_key NAME: the app's system key NAME, waiting while the host creates it; empty when it never appears.
system_key() {
  local value="" attempt attempts=20
  for attempt in $(seq 1 "$attempts"); do
    value=$(az functionapp keys list \
      --subscription "$AZURE_SUBSCRIPTION_ID" \
      --resource-group "$AZURE_RESOURCE_GROUP" \
      --name "$AZURE_FUNCTION_APP_NAME" \
      --query "systemKeys.$1" --output tsv 2>/dev/null || true)
    if [ -n "$value" ]; then
      printf '%s' "$value"
      return
    fi
    echo "Waiting for the app's $1 key (attempt ${attempt}/${attempts})..." >&2
    sleep 15
  done
}

key=$(system_key blobs_extension)
deletion_key=$(system_key eventgrid_extension)
if [ -z "$key" ] || [ -z "$deletion_key" ]; then
  echo "error: ${AZURE_FUNCTION_APP_NAME} lacks its blobs_extension or eventgrid_extension system key. Check that the" >&2
  echo "deployment succeeded and that IngestArticle and RemoveDeletedArticle are listed (az functionapp function list)," >&2
  echo "then run this script again." >&2
  exit 1
fi

# The keys go in parameters files readable only by this user, not on a command line.
parameters=$(mktemp)
deletion_parameters=$(mktemp)
trap 'rm -f "$parameters" "$deletion_parameters"' EXIT
chmod 600 "$parameters" "$deletion_parameters"
cat >"$parameters" <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "systemTopicName": { "value": "${EVENT_GRID_SYSTEM_TOPIC_NAME}" },
    "storageAccountName": { "value": "${AZURE_STORAGE_ACCOUNT_NAME}" },
    "functionAppHostName": { "value": "${AZURE_FUNCTION_APP_HOST_NAME}" },
    "blobsExtensionKey": { "value": "${key}" }
  }
}
JSON

echo "Subscribing IngestArticle to BlobCreated events of the incoming container..."
az deployment group create \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name ingest-article-events \
  --template-file infra/events/ingest-subscription.bicep \
  --parameters "@${parameters}" \
  --output none
cat >"$deletion_parameters" <<JSON
{
  "\$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "systemTopicName": { "value": "${EVENT_GRID_SYSTEM_TOPIC_NAME}" },
    "storageAccountName": { "value": "${AZURE_STORAGE_ACCOUNT_NAME}" },
    "functionAppHostName": { "value": "${AZURE_FUNCTION_APP_HOST_NAME}" },
    "eventGridExtensionKey": { "value": "${deletion_key}" }
  }
}
JSON

echo "Subscribing RemoveDeletedArticle to BlobDeleted events of the incoming container..."
az deployment group create \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name remove-deleted-article-events \
  --template-file infra/events/deletion-subscription.bicep \
  --parameters "@${deletion_parameters}" \
  --output none
echo "Done: files uploaded to the incoming container are ingested within seconds, and deleting one removes its article."
