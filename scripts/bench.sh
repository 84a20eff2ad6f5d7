#!/usr/bin/env bash
# Runs every benchmark and prints one table (figure, floor measured in the same run, ratio, goal, pass/short);
# the table is also written to benchmarks/results/latest.md. Needs wrk (apt-get install wrk) for the lookup load.
# Options: --articles N (default 10000), --load-seconds S (default 10); --parser-only or --ingest-only run a part
# (printed, not written to latest.md). --archive N instead measures each operation on archives of N and 10N articles
# and writes benchmarks/results/archive.md (no wrk needed). --instances N instead measures ingest through 1 to N local
# host instances on one Azurite and writes benchmarks/results/instances.md (no wrk needed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ " $* " != *" --archive "* && " $* " != *" --instances "* ]]; then
  command -v wrk >/dev/null || { echo "error: wrk is required for the lookup benchmark (apt-get install wrk)" >&2; exit 2; }
fi
npm ci --no-audit --no-fund --loglevel=error
dotnet build Functions.sln --configuration Release --verbosity quiet -nologo
# The ingest runs through the local host, which runs the published app (the package azd deploys) as its worker.
dotnet publish src/ContentPipeline.Functions --configuration Release --no-build --output artifacts/functions --verbosity quiet -nologo
dotnet benchmarks/ContentPipeline.Benchmarks/bin/Release/net10.0/ContentPipeline.Benchmarks.dll "$@"
