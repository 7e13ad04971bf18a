#!/usr/bin/env bash
# Installs the baselines the benchmarks compare with (Debian packages), when missing.
set -euo pipefail
need=()
command -v rg >/dev/null || need+=(ripgrep)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "bench: install ${need[*]} for the baselines (sudo apt-get install ${need[*]})" >&2
  fi
fi
