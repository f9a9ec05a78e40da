#!/usr/bin/env bash
# Installs the Debian packages in scripts/system-packages.txt (or only the ones named as arguments, which
# must be on that list), or says exactly which are missing and how to install them when this user cannot.
# Used by `npm test` (pretest), by `assembly-line run`/`build` when a package is missing, and by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t known < <(grep -vE '^\s*(#|$)' "$here/system-packages.txt")
if [ $# -gt 0 ]; then
  for pkg in "$@"; do
    printf '%s\n' "${known[@]}" | grep -qxF -- "$pkg" || {
      echo "not a package of scripts/system-packages.txt: $pkg" >&2
      exit 2
    }
  done
  wanted=("$@")
else
  wanted=("${known[@]}")
fi
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all ${#wanted[@]} present"
  exit 0
fi
echo "system packages missing: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "no apt-get on this machine: install the equivalents of: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
    echo "run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "system packages: ${sudo:+sudo }apt-get install -y ${missing[*]}"
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
