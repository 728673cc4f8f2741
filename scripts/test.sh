#!/usr/bin/env bash
# Install Centaure with its test dependencies in .venv and run the tests.
# Usage: bash scripts/test.sh [PYTHON]   (PYTHON defaults to python3.12)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3.12}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/python -m pytest -n 2 -q
