# Sourced by bench/memory and bench/threads: one `./coffer serve` on the embedded default (the
# launcher's JVM options and cache, one collection "items", a fresh data folder under $scratch,
# COFFER_JAVA_OPTS and COFFER_AOT passed on), its bench user and its seed items. Expects $here
# (the repository) and $scratch; sets port, base, pid, json and token.

# Builds the jar and its cache first, outside any measurement, and installs wrk when missing.
coffer_bench_prepare() {
  "$here/coffer" version >/dev/null
  . "$here/scripts/apt.sh"
  command -v wrk >/dev/null 2>&1 || coffer_apt_install wrk >/dev/null 2>&1 \
    || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
}

# A free port and the configuration, apart from the launch so that neither is in a timed start.
coffer_bench_port() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base="http://127.0.0.1:$port"
  printf '[collections.items]\n' >"$scratch/coffer.toml"
}

# coffer_bench_serve [NAME=VALUE ...]: launches the server in the background with those settings too.
coffer_bench_serve() {
  env -i PATH="$PATH" HOME="$scratch" LANG=C.UTF-8 COFFER_JAVA_OPTS="${COFFER_JAVA_OPTS:-}" COFFER_AOT="${COFFER_AOT:-on}" \
    COFFER_SERVER_MAX_CONNECTIONS_PER_ADDRESS=100000 "$@" \
    "$here/coffer" serve --port "$port" --data-dir "$scratch/data" --config "$scratch/coffer.toml" >"$scratch/log" 2>&1 &
  pid=$!
}

# coffer_bench_ready SECONDS: polls /health/ready every SECONDS until it answers 200; stops the
# bench with the server's log when the server exited instead.
coffer_bench_ready() {
  until curl -fs -o /dev/null "$base/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: coffer exited:" >&2; tail "$scratch/log" >&2; exit 1; }
    sleep "$1"
  done
}

# Registers the bench user and logs in.
coffer_bench_login() {
  json='Content-Type: application/json'
  local user='{"email":"bench@example.com","password":"bench-password-0123456789"}'
  curl -fs -o /dev/null -H "$json" -d "$user" "$base/api/v1/auth/register"
  token=$(curl -fs -H "$json" -d "$user" "$base/api/v1/auth/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
}

# Items seed-0 .. seed-39 (what get and list read), and $scratch/create.lua (what create posts).
coffer_bench_seed() {
  local i
  for i in $(seq 0 39); do
    curl -fs -o /dev/null -H "Authorization: Bearer $token" -H "$json" -d "{\"id\":\"seed-$i\",\"n\":1}" \
      "$base/api/v1/collections/items/items"
  done
  cat >"$scratch/create.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n":1}'
wrk.headers["Content-Type"] = "application/json"
LUA
}
