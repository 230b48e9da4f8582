#!/usr/bin/env bash
# MAI flow: a back end with its own users calls Coffer with a service key.
# ./coffer serve --config examples/mai.toml   (demo key below matches the hash in mai.toml)
. "$(dirname "$0")/lib.sh"
KEY=${COFFER_SERVICE_KEY:-ck_mai-demo-key-not-for-production-0000000000000000}
USER_ID=${USER_ID:-py-user-42}
H=(-H "Authorization: Bearer $KEY" -H "X-Coffer-User: $USER_ID")
TTL=$(( $(date +%s) + 90*24*3600 ))
step "store an analysis result (expires in 90 days via ttl)"
call -X POST "$BASE/api/v1/collections/results/items" "${H[@]}" -H 'Content-Type: application/json' \
  -d "{\"verdict\":\"scam\",\"score\":0.97,\"ttl\":$TTL,\"image_path\":\"post-1.png\"}"
step "store its image"
printf '\x89PNGfake' | call -X PUT "$BASE/api/v1/files/post-1.png" "${H[@]}" -H 'Content-Type: image/png' --data-binary @-
step "results, newest first"
call "$BASE/api/v1/collections/results/items?order=desc&limit=10" "${H[@]}"
step "presigned URL for the front end"
call -X POST "$BASE/api/v1/files/presign" "${H[@]}" -H 'Content-Type: application/json' \
  -d '{"path":"post-1.png","method":"GET","expires_in":300}'
