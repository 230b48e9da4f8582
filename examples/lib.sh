# Shared by the example scripts: curl with failure on HTTP errors, and JSON field reading.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:8080}
json() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d if not isinstance(d,(dict,list)) else json.dumps(d))' "$1"; }
call() { curl -sS --fail-with-body "$@"; echo >&2; }
step() { printf '\n== %s\n' "$*" >&2; }
# Registers a fresh local user and prints an access token: new_user PREFIX PASSWORD NAME
new_user() {
  local email="$1-$RANDOM@example.com"
  call -X POST "$BASE/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$2\",\"full_name\":\"$3\"}" >/dev/null
  call -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$2\"}" | json access_token
}
