# Sourced by ./run-tests: what the console's browser tests (admin/ConsoleBrowserTest) need:
# Debian's chromium and its chromedriver at /usr/bin. Installed with apt-get when missing and
# running as root (CI starts as root on a fresh machine); never downloaded by Selenium itself.
# When they cannot be installed, the tests fail naming what is missing, unless
# COFFER_SKIP_BROWSER_TESTS=1 says to skip them.
coffer_ensure_browser() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return 0
  fi
  if [ "${COFFER_SKIP_BROWSER_TESTS:-}" = 1 ]; then
    echo "run-tests: chromium missing; COFFER_SKIP_BROWSER_TESTS=1, the browser tests are skipped" >&2
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run-tests: installing chromium and chromium-driver for the console's browser tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2 || true
  fi
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    return 0
  fi
  echo "run-tests: chromium/chromedriver missing and not installable here (needs root and apt-get);" \
    "the browser tests will fail (COFFER_SKIP_BROWSER_TESTS=1 skips them)" >&2
  return 1
}
