#!/usr/bin/env bash
# Accepts every received snapshot: moves each Baselines/NAME.received.txt over Baselines/NAME.txt.
# Review the differences first (git diff after running this shows them).
set -euo pipefail
cd "$(dirname "$0")"
found=0
while IFS= read -r -d '' received; do
  mv "$received" "${received%.received.txt}.txt"
  echo "accepted ${received%.received.txt}.txt"
  found=1
done < <(find . -path '*/Baselines/*.received.txt' -print0)
[ "$found" = 1 ] || echo "no received snapshots to accept"
