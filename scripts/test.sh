#!/bin/sh
# Install korwatch with its test dependencies into ./.venv, then run the linters, the type
# checker and the whole test suite. The tests read the real sample files in place from
# $KORWATCH_SAMPLES, else ../shared/samples; without them those tests skip (CI=true: an error).
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check korwatch tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/pytest -q "$@"
