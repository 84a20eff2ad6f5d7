#!/usr/bin/env bash
# Runs every test from a fresh clone: installs Azurite (npm ci) and NuGet packages, builds, tests.
# Nothing needs to be running beforehand: integration tests start their own Azurite on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 2; }
command -v node >/dev/null || { echo "error: Node.js 20 or later (node) is required for Azurite" >&2; exit 2; }

npm ci --no-audit --no-fund --loglevel=error
dotnet restore Functions.sln --verbosity quiet
dotnet build Functions.sln --no-restore --configuration Release --verbosity quiet -nologo
# Failures are printed with their messages and stacks (minimal); passes only as the per-assembly summary.
dotnet test Functions.sln --no-build --configuration Release --verbosity quiet --nologo --logger "console;verbosity=minimal" "$@"
