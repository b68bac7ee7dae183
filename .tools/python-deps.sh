#!/usr/bin/env bash
# Chooses the Python that the tests, make e2e and make failover run (make deps
# calls this): the machine's python3 when it has requirements.txt's packages
# at those versions, else .tools/venv with them installed. The Makefile puts
# .tools/venv/bin first on PATH, so python3, cfn-lint, moto_server and aws
# resolve to the venv when it exists. Writes the stamp .tools/python.ok.
set -euo pipefail
tools=$(cd "$(dirname "$0")" && pwd)
req=$tools/requirements.txt
venv=$tools/venv

# The machine's python3: PATH without the venv (PYTHON= overrides, for tests).
machine=${PYTHON:-$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$venv/bin" | paste -sd: -) command -v python3 || true)}

if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" "$tools/pycheck.py" "$req" >/dev/null 2>&1; then
	touch "$tools/python.ok"
	exit 0
fi
if [ -z "$machine" ]; then
	echo "make deps: no python3 found: install Python 3.11 or later, then run make deps again" >&2
	exit 1
fi
if missing=$("$machine" "$tools/pycheck.py" "$req" 2>&1); then
	rm -rf "$venv" # the machine's Python has it all: use that
	touch "$tools/python.ok"
	exit 0
fi

# Build the venv aside and move it in place only when complete, so a failed
# install never leaves a half-filled venv first on PATH.
rm -rf "$venv.new"
log=$tools/pip.log
trap 'rm -rf "$venv.new"' EXIT
echo "make deps: installing the Python tools into .tools/venv (requirements.txt)" >&2
if "$machine" -m venv "$venv.new" >"$log" 2>&1 &&
	"$venv.new/bin/python3" -m pip install --disable-pip-version-check --quiet --retries 1 --timeout 15 -r "$req" >>"$log" 2>&1 &&
	"$venv.new/bin/python3" "$tools/pycheck.py" "$req" >>"$log" 2>&1; then
	rm -rf "$venv" "$log" && mv "$venv.new" "$venv"
	touch "$tools/python.ok"
	exit 0
fi
echo "make deps: $machine lacks $missing, which the tests need, and installing them into .tools/venv failed (no PyPI? see .tools/pip.log): install them with $machine -m pip install -r .tools/requirements.txt" >&2
exit 1
