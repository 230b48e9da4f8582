# Sourced by ./coffer, ./run-tests and .ci/run: finds a JDK >= 21 and exports JAVA_HOME.
# Order: JAVA_HOME, java on PATH, then the usual install folders (newest first).

coffer_java_major() {
  # Prints the major version of the java binary $1, or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1 | cut -d. -f1
}

coffer_find_jdk() {
  local candidates=() dir java major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    java=$(command -v java)
    java=$(readlink -f "$java" 2>/dev/null || echo "$java")
    candidates+=("$(dirname "$(dirname "$java")")")
  fi
  for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/java/* "$HOME"/.sdkman/candidates/java/* \
             "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  local best="" best_major=0
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    major=$(coffer_java_major "$dir/bin/java")
    [ -n "$major" ] || continue
    # JAVA_HOME (first candidate) wins whenever it is new enough.
    if [ "$major" -ge 21 ] && { [ -z "$best" ] || [ "$dir" = "${JAVA_HOME:-}" ]; }; then
      best=$dir; best_major=$major
      [ "$dir" = "${JAVA_HOME:-}" ] && break
    elif [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ] && [ "$best" != "${JAVA_HOME:-}" ]; then
      best=$dir; best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "coffer: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm). Fix: install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  # Maven's own Guice warns about sun.misc.Unsafe on JDK 24+; the flag does not exist before.
  if [ "$best_major" -ge 24 ] || [ "$(coffer_java_major "$best/bin/java")" -ge 24 ]; then
    case "${MAVEN_OPTS:-}" in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  fi
}
