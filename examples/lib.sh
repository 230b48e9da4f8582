# Shared by the example scripts: curl with failure on HTTP errors, and JSON field reading.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
json() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d if not isinstance(d,(dict,list)) else json.dumps(d))' "$1"; }
call() { curl -sS --fail-with-body "$@"; echo >&2; }
step() { printf '\n== %s\n' "$*" >&2; }
