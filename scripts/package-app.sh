#!/usr/bin/env bash
# Builds artifacts/updatebot-app.zip (the Teams app package) and validates it.
#   scripts/package-app.sh --bot-id <GUID> --domain <host> [--app-version 1.0.0] [--out file.zip]
#   or BOT_ID=… BOT_DOMAIN=… APP_VERSION=… scripts/package-app.sh
set -euo pipefail
LOG_TAG=package-app
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"
require_tools node npm
ensure_node_modules
exec node "$UPDATEBOT_ROOT/tools/manifest/package-app.mjs" "$@"
