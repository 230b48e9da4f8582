# Sourced by ./run-tests: what GeneratedClientsTest needs to run the generated clients.
#  - Python with pydantic, urllib3, python-dateutil and typing-extensions (the generated Python
#    client's requirements), installed from /opt/pypi/files when missing. Exports COFFER_CLIENTS_PYTHON.
#  - TypeScript (tsc) at a pinned version, installed with npm into a cache folder outside the
#    repository. Exports COFFER_TSC. Node.js itself (20 or newer: global fetch) must be on PATH.
# A tool that cannot be installed is reported here; the test then fails naming what is missing.
COFFER_TYPESCRIPT_VERSION=5.9.3

coffer_ensure_client_tools() {
  local ok=0 py modules='import pydantic, urllib3, dateutil, typing_extensions'
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/coffer"
  local venv="$cache/python-clients"
  for py in "$HOME/.pyenv/shims/python3" python3 venv; do
    if [ "$py" = venv ]; then
      # Last resort, e.g. a system Python that refuses pip installs (PEP 668): a venv in the cache.
      [ -x "$venv/bin/python3" ] || python3 -m venv "$venv" >&2 2>/dev/null || continue
      py="$venv/bin/python3"
    fi
    command -v "$py" >/dev/null 2>&1 || continue
    if ! "$py" -c "$modules" >/dev/null 2>&1; then
      if [ -d /opt/pypi/files ]; then
        "$py" -m pip install -q --no-index --find-links /opt/pypi/files pydantic urllib3 python-dateutil typing-extensions >&2 || true
      else
        "$py" -m pip install -q pydantic urllib3 python-dateutil typing-extensions >&2 || true
      fi
    fi
    if "$py" -c "$modules" >/dev/null 2>&1; then
      export COFFER_CLIENTS_PYTHON="$(command -v "$py")"
      break
    fi
  done
  if [ -z "${COFFER_CLIENTS_PYTHON:-}" ]; then
    echo "run-tests: no python3 with pydantic, urllib3, python-dateutil; the Python client test will fail" >&2
    ok=1
  fi

  local dir="$cache/typescript-$COFFER_TYPESCRIPT_VERSION"
  if [ ! -x "$dir/node_modules/.bin/tsc" ] && command -v npm >/dev/null 2>&1; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "typescript@$COFFER_TYPESCRIPT_VERSION" >&2 || true
  fi
  if [ -x "$dir/node_modules/.bin/tsc" ]; then
    export COFFER_TSC="$dir/node_modules/.bin/tsc"
  else
    echo "run-tests: typescript $COFFER_TYPESCRIPT_VERSION could not be installed (npm missing or failing); the TypeScript client test will fail" >&2
    ok=1
  fi
  command -v node >/dev/null 2>&1 || { echo "run-tests: node is not on PATH; the TypeScript client test will fail" >&2; ok=1; }
  return $ok
}
