#!/usr/bin/env bash
# The README's test command: set up a fresh machine (venv, packages, headless Chromium) and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# The OCR extra too, so that the scanned-page tests run rather than skip (its models ship in the wheel).
.venv/bin/python -m pip install -q -e '.[test,ocr]'
# The page's end-to-end test drives Debian's Chromium; Chinese glyphs need Noto CJK.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto.*CJK"; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null
fi
export ASSISTANT_EMBED_CACHE="${ASSISTANT_EMBED_CACHE:-$PWD/.cache/embeddings.sqlite}"
exec .venv/bin/python -m pytest "$@"
