#!/usr/bin/env bash
# ArchPal flow: JSON documents as files, the conversation index updated with If-Match.
# ./coffer serve --config examples/archpal.toml
# With Cognito configured, set TOKEN to a user pool token; otherwise a local user is made.
. "$(dirname "$0")/lib.sh"
[ -n "${TOKEN:-}" ] || TOKEN=$(new_user archie arch-pal-2026 Archie)
AUTH="Authorization: Bearer $TOKEN"
put() { call -X PUT "$BASE/api/v1/files/$1" -H "$AUTH" -H 'Content-Type: application/json' "${@:3}" --data-binary "$2"; }
step "profile"; put info.json '{"name":"Archie"}'
step "index"; ETAG=$(put conversations.json '[]' | json etag)
step "two conversations"
put conversations/c-1.json '{"title":"first"}'; put conversations/c-2.json '{"title":"second"}'
step "add both to the index, each only if the index is unchanged (If-Match)"
ETAG=$(put conversations.json '["c-1"]' -H "If-Match: $ETAG" | json etag)
put conversations.json '["c-1","c-2"]' -H "If-Match: $ETAG"
step "a stale update is refused with 412 instead of losing c-2"
curl -sS -o /dev/null -w '%{http_code}\n' -X PUT "$BASE/api/v1/files/conversations.json" -H "$AUTH" \
  -H 'Content-Type: application/json' -H "If-Match: $ETAG" --data-binary '["c-1"]'
step "read back"; call "$BASE/api/v1/files/conversations.json" -H "$AUTH"; call "$BASE/api/v1/files?prefix=conversations/" -H "$AUTH"
