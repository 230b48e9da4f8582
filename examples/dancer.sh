#!/usr/bin/env bash
# DANCER flow: video uploads only, 100 MB at most. ./coffer serve --config examples/dancer.toml
. "$(dirname "$0")/lib.sh"
email="dancer-$RANDOM@example.com"
call -X POST "$BASE/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"dance-2026!\",\"full_name\":\"Dana\"}" >/dev/null
TOKEN=$(call -X POST "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"dance-2026!\"}" | json access_token)
AUTH="Authorization: Bearer $TOKEN"
step "upload a (small) video"
head -c 2048 /dev/zero | call -X PUT "$BASE/api/v1/files/routine.mp4" -H "$AUTH" -H 'Content-Type: video/mp4' --data-binary @-
step "an image is refused (415)"
curl -sS -o /dev/null -w '%{http_code}\n' -X PUT "$BASE/api/v1/files/poster.png" -H "$AUTH" -H 'Content-Type: image/png' --data-binary 'x'
step "health shows bucket, region and prefix"
call "$BASE/health" | json s3.details
