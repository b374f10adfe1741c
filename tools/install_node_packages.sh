#!/usr/bin/env bash
# Install the course's Node packages (package.json, exact versions in package-lock.json) into
# node_modules/: configurable-http-proxy, the proxy in front of JupyterHub (the hub test, the
# capacity benchmark and deploy/single-machine). Runs `npm ci` only when the lock changed since
# the last install. Without node/npm it says so, and the hub tests skip with that reason.
set -u
cd "$(dirname "$0")/.."
stamp=node_modules/.autograd-lab-installed

if ! command -v npm >/dev/null 2>&1; then
  echo "node packages: npm not found, so configurable-http-proxy is not installed."
  echo "  Install Node.js (Debian: apt-get install nodejs npm); until then the hub tests skip."
  exit 0
fi
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ] \
  && [ -x node_modules/.bin/configurable-http-proxy ]; then
  echo "node packages: up to date (configurable-http-proxy $(node_modules/.bin/configurable-http-proxy --version))"
  exit 0
fi
echo "node packages: npm ci (configurable-http-proxy from package-lock.json)"
# The proxy asks for node >= 22.12 but runs on node 20 (checked): the engine warning is noise.
npm ci --no-audit --no-fund --loglevel=error && touch "$stamp"
