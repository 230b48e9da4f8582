#!/usr/bin/env bash
# DANCER flow: video uploads only, 100 MB at most. ./coffer serve --config examples/dancer.toml
. "$(dirname "$0")/lib.sh"
TOKEN=$(new_user dancer 'dance-2026!' Dana)
AUTH="Authorization: Bearer $TOKEN"
step "upload a (small) video"
head -c 2048 /dev/zero | call -X PUT "$BASE/api/v1/files/routine.mp4" -H "$AUTH" -H 'Content-Type: video/mp4' --data-binary @-
step "an image is refused (415)"
curl -sS -o /dev/null -w '%{http_code}\n' -X PUT "$BASE/api/v1/files/poster.png" -H "$AUTH" -H 'Content-Type: image/png' --data-binary 'x'
step "health shows bucket, region and prefix"
call "$BASE/health" | json s3.details
