# Sourced by ./run-tests: the load balancer the multi-instance test (BehindBalancerTest) puts in
# front of three Coffer instances. Installs Debian's nginx when it is missing and this runs as
# root (CI on a fresh machine); exports COFFER_NGINX. The test writes its own configuration to a
# temp dir and runs nginx as its child (-p prefix, pid and logs there): no root-owned paths.
coffer_ensure_balancer() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2 || true
    fi
  fi
  local nginx
  nginx=$(command -v nginx 2>/dev/null || true)
  [ -n "$nginx" ] || { [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx; }
  if [ -z "$nginx" ]; then
    echo "run-tests: nginx is not installed (apt-get install nginx); the multi-instance test will fail" >&2
    return 1
  fi
  export COFFER_NGINX="$nginx"
}
