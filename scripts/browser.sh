# Sourced by ./run-tests: what the console's browser tests (admin/ConsoleBrowserTest) need:
# Debian's chromium and its chromedriver (package chromium-driver). Installed with apt-get when
# missing (scripts/apt.sh: as root, as CI runs on a fresh machine, or with password-less sudo);
# never downloaded by Selenium itself. Exports COFFER_CHROMIUM and COFFER_CHROMEDRIVER, the paths
# the test uses. When they cannot be installed, the tests fail naming what is missing, unless
# COFFER_SKIP_BROWSER_TESTS=1 says to skip them.
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

coffer_find_browser() {
  local chromium chromedriver
  chromium=$(command -v chromium 2>/dev/null || true)
  chromedriver=$(command -v chromedriver 2>/dev/null || true)
  [ -n "$chromedriver" ] || { [ -x /usr/lib/chromium/chromedriver ] && chromedriver=/usr/lib/chromium/chromedriver; }
  [ -n "$chromium" ] && [ -n "$chromedriver" ] || return 1
  export COFFER_CHROMIUM="$chromium" COFFER_CHROMEDRIVER="$chromedriver"
}

coffer_ensure_browser() {
  coffer_find_browser && return 0
  if [ "${COFFER_SKIP_BROWSER_TESTS:-}" = 1 ]; then
    echo "run-tests: chromium missing; COFFER_SKIP_BROWSER_TESTS=1, the browser tests are skipped" >&2
    return 0
  fi
  echo "run-tests: installing chromium and chromium-driver for the console's browser tests" >&2
  coffer_apt_install chromium chromium-driver || true
  coffer_find_browser && return 0
  echo "run-tests: chromium/chromedriver missing and not installable here (needs apt-get as root or" \
    "password-less sudo); the browser tests will fail (COFFER_SKIP_BROWSER_TESTS=1 skips them)" >&2
  return 1
}
