#!/usr/bin/env bash
# dist/ must be what `npm run bundle` makes from the sources at this commit (as the Action template's
# check-dist workflow does): rebuild it, then fail when git sees a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent bundle
if ! git diff --ignore-space-at-eol --text --exit-code -- dist/; then
  echo "dist/ is stale: run 'npm run bundle' and commit dist/" >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- dist/)
if [ -n "$untracked" ]; then
  echo "dist/ has files that are not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
