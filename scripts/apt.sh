# Sourced by ./run-tests (through scripts/browser.sh and scripts/balancer.sh) and bench/run:
# installs Debian packages the tests or benches need, on a fresh machine. As root (CI starts as
# root) or through password-less sudo; the package lists are refreshed once per run (a fresh
# machine has none). Returns non-zero when it cannot install; callers say what is then missing.
coffer_apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
    as_root=(sudo -n)
  fi
  if [ -z "${COFFER_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get update -qq >&2 || true
    COFFER_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
}
