# Sourced by ./run-tests: the load balancer the multi-instance test (BehindBalancerTest) puts in
# front of three Coffer instances. Installs Debian's nginx when it is missing (scripts/apt.sh: as
# root, as CI on a fresh machine, or with password-less sudo); exports COFFER_NGINX. The test writes its own configuration to a
# temp dir and runs nginx as its child (-p prefix, pid and logs there): no root-owned paths.
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

coffer_ensure_balancer() {
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    coffer_apt_install nginx || true
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
