#!/bin/sh
# Set up korwatch in ./.venv (a normal, non-editable install) and run one scan over the bundled
# example exports in examples/exports. The alert emails are written as .eml files into
# example-output/mail (the "file" email backend); nothing is sent anywhere.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
rm -rf example-output
.venv/bin/korwatch -c examples/korwatch.toml scan
echo
.venv/bin/korwatch -c examples/korwatch.toml status
echo
echo "The emails korwatch wrote (open them in any mail program):"
ls -1 example-output/mail/*.eml
