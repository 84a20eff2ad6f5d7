#!/usr/bin/env bash
# Runs the whole pipeline locally with one command, from a fresh clone:
# installs Azurite (npm ci) and NuGet packages, builds, publishes the Functions app (the package azd deploys) to
# artifacts/functions, starts Azurite with its data in .azurite/ (git-ignored, reused by the next run), starts the local
# Functions host, which runs that package as its worker process, uploads seeds/ into 'incoming', and prints URLs and keys.
# Ctrl-C stops everything it started. Ports: HOST_PORT (7071), BLOB_PORT (10000), QUEUE_PORT (10001), TABLE_PORT (10002).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST_PORT=${HOST_PORT:-7071}
BLOB_PORT=${BLOB_PORT:-10000}
QUEUE_PORT=${QUEUE_PORT:-10001}
TABLE_PORT=${TABLE_PORT:-10002}
DATA=.azurite

fail() { echo "error: $*" >&2; exit 2; }
command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is required"
command -v node >/dev/null || fail "Node.js 20 or later (node) is required for Azurite"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || fail "Node.js 20 or later is required; this is $(node --version)"
dotnet --list-sdks | grep -q '^10\.' || fail "the .NET 10 SDK is required; installed: $(dotnet --list-sdks | tr '\n' ' ')"

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$HOST_PORT" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"; do
  port_taken "$port" && fail "port $port is taken (another Azurite or host running?). Stop it, or set HOST_PORT/BLOB_PORT/QUEUE_PORT/TABLE_PORT."
done

echo "Installing Azurite and building (first run takes a minute)..."
npm ci --no-audit --no-fund --loglevel=error
dotnet build src/ContentPipeline.LocalHost --configuration Release --verbosity quiet -nologo
dotnet publish src/ContentPipeline.Functions --configuration Release --output artifacts/functions --verbosity quiet -nologo

mkdir -p "$DATA"
node node_modules/azurite/dist/src/azurite.js --location "$DATA" --skipApiVersionCheck --loose \
  --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
  --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" >"$DATA/azurite.log" 2>&1 &
azurite=$!
trap 'kill "$azurite" 2>/dev/null; wait "$azurite" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do port_taken "$TABLE_PORT" && port_taken "$BLOB_PORT" && break; sleep 0.1; done
port_taken "$BLOB_PORT" || fail "Azurite did not start; see $DATA/azurite.log"

# The emulator's well-known development account and key (public, not a secret).
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export ContentStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/$account;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/$account;TableEndpoint=http://127.0.0.1:$TABLE_PORT/$account;"
export AzureWebJobsStorage="$ContentStorage" # the host's own state (blob-trigger queue, timer status) in the same Azurite
export LocalHost__KeysFile="$PWD/$DATA/host-keys.json"

# Other app settings come from the app's local.settings.json (FeedSchedule, ...); the environment wins over it.
dotnet src/ContentPipeline.LocalHost/bin/Release/net10.0/ContentPipeline.LocalHost.dll \
  --urls "http://127.0.0.1:$HOST_PORT" --LocalHost:AppPath=artifacts/functions \
  --LocalHost:SettingsFile=src/ContentPipeline.Functions/local.settings.json --upload seeds &
host=$!
# The host first (it stops its worker and saves its state in Azurite), then Azurite.
trap 'kill "$host" 2>/dev/null; wait "$host" 2>/dev/null; kill "$azurite" 2>/dev/null; wait "$azurite" 2>/dev/null || true' EXIT INT TERM
wait "$host"
