#!/usr/bin/env bash
# Install Centaure with its test dependencies in .venv, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/python -m pytest -n 2 -q "$@"
