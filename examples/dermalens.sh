#!/usr/bin/env bash
# DermaLens flow with curl against a running Coffer: ./coffer serve --config examples/dermalens.toml
. "$(dirname "$0")/lib.sh"
email="derma-$RANDOM@example.com"
step register
call -X POST "$BASE/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"skin-care-2026\",\"full_name\":\"Dee Derma\"}"
step login
TOKEN=$(call -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"skin-care-2026\"}" | json access_token)
AUTH="Authorization: Bearer $TOKEN"
step "upload a scan image"
printf '\xff\xd8fake-jpeg' | call -X PUT "$BASE/api/v1/files/scans/scan-1.jpg" -H "$AUTH" -H 'Content-Type: image/jpeg' --data-binary @-
step "scan records"
for d in 2026-01-03 2026-01-10 2026-01-20; do
  call -X POST "$BASE/api/v1/collections/scans/items" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"scan_date\":\"$d\",\"image_path\":\"scans/scan-1.jpg\",\"diagnosis\":\"benign\"}" >/dev/null
done
step "scans from 2026-01-05 to 2026-01-31, newest first"
call "$BASE/api/v1/collections/scans/items?index=scan-date-index&from=2026-01-05&to=2026-01-31&order=desc" -H "$AUTH"
step "chat in two sessions"
for i in 1 2; do for s in s-1 s-2; do
  call -X POST "$BASE/api/v1/collections/messages/items" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"session_id\":\"$s\",\"text\":\"$s message $i\"}" >/dev/null
done; done
step "session s-1 (message ids are ULIDs: sort by them for time order)"
call "$BASE/api/v1/collections/messages/items?index=session-index&eq=s-1" -H "$AUTH"
step "treatment plan"
call -X POST "$BASE/api/v1/collections/plans/items" -H "$AUTH" -H 'Content-Type: application/json' -d '{"steps":["sunscreen daily"]}'
step "delete the account (records and files go too)"
call -X DELETE "$BASE/api/v1/auth/me" -H "$AUTH"
echo "done" >&2
