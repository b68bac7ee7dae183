#!/usr/bin/env bash
# Gives the CDK runtime a Node.js it supports (make deps calls this): the jsii
# runtime supports Node.js 22 and 24. When the node on PATH is older (the
# Makefile puts .tools/node/node_modules/.bin first), installs the Node.js 22
# pinned in .tools/node/package-lock.json from the npm registry (about 185 MB).
set -euo pipefail
tools=$(cd "$(dirname "$0")" && pwd)
major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
[ "$(major)" -ge 22 ] && exit 0
if ! command -v npm >/dev/null; then
	echo "make deps: the CDK needs Node.js 22 or later and npm: install Node.js 22 or 24" >&2
	exit 1
fi
echo "make deps: node on PATH is $(node --version 2>/dev/null || echo missing); installing the pinned Node.js 22 into .tools/node" >&2
npm ci --prefix "$tools/node" --no-audit --no-fund --loglevel=error >/dev/null
if [ "$(major)" -lt 22 ]; then
	echo "make deps: .tools/node/node_modules/.bin/node is not Node.js 22 after npm ci: remove .tools/node/node_modules and run make deps again" >&2
	exit 1
fi
