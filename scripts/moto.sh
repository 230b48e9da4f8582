# Sourced by ./run-tests: makes sure moto_server (a real implementation of STS/IAM used by the
# credential tests) is installed, from /opt/pypi/files when it is not. Exports COFFER_MOTO_SERVER.
coffer_ensure_moto() {
  local py
  for py in "$HOME/.pyenv/shims/python3" python3; do
    if command -v "$py" >/dev/null 2>&1; then
      if ! "$py" -c 'import moto.server' >/dev/null 2>&1; then
        if [ -d /opt/pypi/files ]; then
          "$py" -m pip install -q --no-index --find-links /opt/pypi/files 'moto[server]' >&2 || true
        fi
      fi
      if "$py" -c 'import moto.server' >/dev/null 2>&1; then
        export COFFER_MOTO_PYTHON="$(command -v "$py")"
        return 0
      fi
    fi
  done
  echo "run-tests: moto is not installed; tests that need it will fail" >&2
  return 1
}
