#!/usr/bin/env bash
# The repository stands alone: no tracked file outside .ci/ may point a reader at a shared/
# folder next to the repository (shared/bench, shared/reference or ../shared), which only
# some development machines have and a clone does not. Cite the original source instead,
# or carry the fact into the repository.
# Exits 1 and lists every offending line; exits 2 if git grep itself fails.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
offenders=$(git grep -n -I -E 'shared/bench|shared/reference|\.\./shared' -- . ':(exclude).ci/') ||
    status=$?
case $status in
0)
    echo "check-standalone: these lines point outside the repository (into shared/):" >&2
    echo "$offenders" >&2
    exit 1
    ;;
1) echo "check-standalone: no references to shared/ outside .ci/" ;;
*)
    echo "check-standalone: git grep failed (exit $status)" >&2
    exit 2
    ;;
esac
