#!/usr/bin/env bash
# One-time set-up, run by `make` before the first serve, build or test:
# the Debian packages the site needs, the Python venv, the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: fonts-noto-cjk (Chinese in figures and PDFs), chromium (PDFs, browser tests),
# pandoc (EPUBs), epubcheck (validates the EPUBs in the tests; it brings Java), poppler-utils
# (pdftoppm: the PDF tests look at each page).
missing=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v chromium >/dev/null || missing+=(chromium)
command -v pandoc >/dev/null || missing+=(pandoc)
[ -f /usr/share/java/epubcheck.jar ] || missing+=(epubcheck)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "set-up: missing Debian packages: ${missing[*]}; not root, so not installing them." >&2
    echo "set-up: run 'sudo apt-get install ${missing[*]}' and then make again." >&2
  elif ! command -v apt-get >/dev/null; then
    echo "set-up: missing ${missing[*]} and no apt-get here; install them with this system's package manager." >&2
  else
    echo "set-up: installing ${missing[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# Python: a venv from the pinned requirements (torch==2.13.0 is the local CPU wheel).
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt

# npm: KaTeX (served by the site) and axe-core (injected by the browser tests), from package-lock.json.
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "set-up: npm not found; install Node.js (Debian: apt-get install npm) for KaTeX and axe-core." >&2
  exit 1
fi
echo "set-up: done"
