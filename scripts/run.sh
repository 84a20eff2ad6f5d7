#!/usr/bin/env bash
# Runs the whole pipeline locally with one command, from a fresh clone:
# installs Azurite (npm ci) and NuGet packages, builds, publishes the Functions app (the package azd deploys) to
# artifacts/functions, starts Azurite with its data in .azurite/ (git-ignored, reused by the next run), starts the local
# Functions host, which runs that package as its worker process, uploads seeds/ into 'incoming', and prints URLs and keys.
# Ctrl-C stops everything it started. Ports: HOST_PORT (7071), BLOB_PORT (10000), QUEUE_PORT (10001), TABLE_PORT (10002).
# INSTANCES=N (default 1) runs N host processes, each with its own worker, on one Azurite, as Azure's scaled-out
# instances share one storage account: they take blob-trigger messages from one queue, each timer runs on one of them
# at a time (a singleton lease), and a front door on HOST_PORT spreads HTTP over them (instance i listens on
# HOST_PORT+i; its log lines start with [i]).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST_PORT=${HOST_PORT:-7071}
BLOB_PORT=${BLOB_PORT:-10000}
QUEUE_PORT=${QUEUE_PORT:-10001}
TABLE_PORT=${TABLE_PORT:-10002}
INSTANCES=${INSTANCES:-1}
DATA=.azurite

fail() { echo "error: $*" >&2; exit 2; }
command -v dotnet >/dev/null || fail "the .NET 10 SDK (dotnet) is required"
command -v node >/dev/null || fail "Node.js 20 or later (node) is required for Azurite"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || fail "Node.js 20 or later is required; this is $(node --version)"
dotnet --list-sdks | grep -q '^10\.' || fail "the .NET 10 SDK is required; installed: $(dotnet --list-sdks | tr '\n' ' ')"

[[ "$INSTANCES" =~ ^[1-9][0-9]?$ ]] || fail "INSTANCES must be a number from 1 to 99; it is '$INSTANCES'"

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
instance_ports=()
[ "$INSTANCES" -gt 1 ] && for i in $(seq 1 "$INSTANCES"); do instance_ports+=($((HOST_PORT + i))); done
for port in "$HOST_PORT" "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT" "${instance_ports[@]}"; do
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
host_dll=src/ContentPipeline.LocalHost/bin/Release/net10.0/ContentPipeline.LocalHost.dll
host_args=(--LocalHost:AppPath=artifacts/functions --LocalHost:SettingsFile=src/ContentPipeline.Functions/local.settings.json)
pids=()
# The hosts first (each stops its worker, saves its state in Azurite and releases its locks), then Azurite.
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  kill "$azurite" 2>/dev/null; wait "$azurite" 2>/dev/null || true
}
trap stop_all EXIT INT TERM

if [ "$INSTANCES" -eq 1 ]; then
  dotnet "$host_dll" --urls "http://127.0.0.1:$HOST_PORT" "${host_args[@]}" --upload seeds &
  pids+=($!)
  wait "${pids[0]}"
  exit $?
fi

front=http://127.0.0.1:$HOST_PORT
for i in $(seq 1 "$INSTANCES"); do
  extra=()
  [ "$i" -eq 1 ] && extra=(--upload seeds)
  dotnet "$host_dll" --urls "http://127.0.0.1:$((HOST_PORT + i))" "${host_args[@]}" --LocalHost:InstanceId="instance-$i" \
    --LocalHost:FrontUrl="$front" "${extra[@]}" > >(sed -u "s/^/[$i] /") 2>&1 &
  pids+=($!)
  if [ "$i" -eq 1 ]; then
    # The first instance makes the keys; the others read them, so every instance accepts the same keys.
    for _ in $(seq 1 1200); do [ -s "$LocalHost__KeysFile" ] && break; kill -0 "${pids[0]}" 2>/dev/null || fail "the first instance stopped; see its log above"; sleep 0.1; done
  fi
done
urls=$(for i in $(seq 1 "$INSTANCES"); do printf 'http://127.0.0.1:%s,' $((HOST_PORT + i)); done)
dotnet "$host_dll" --front "${urls%,}" --urls "$front" &
pids+=($!)
echo "Front door $front spreads requests over $INSTANCES instances (${urls%,})."
wait "${pids[-1]}" # the front door: Ctrl-C stops it and everything else
