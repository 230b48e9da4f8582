# Sourced by ./coffer, ./run-tests and .ci/run: finds a JDK >= 21, exports JAVA_HOME and sets
# coffer_major to its major version.
# Order: JAVA_HOME, java on PATH, then the usual install folders (newest first).

# The launcher runs these on every start, so with JAVA_HOME set they start no process and no
# subshell: each costs 5-12 ms on a busy 2-core machine, and they added up to 0.3 s before the JVM.

coffer_read_major() {
  # Sets coffer_major to the major version of the java binary $1 (empty if unknown), without a
  # subshell: the JDK's release file first, else ask the JVM (JDK 8's release says "1.8.0").
  local release=${1%/*} line
  coffer_major=
  release="${release%/*}/release"
  if [ -f "$release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in JAVA_VERSION=*) line=${line#JAVA_VERSION=}; line=${line#\"}; coffer_major=${line%%[!0-9]*}; break ;; esac
    done <"$release"
    [ -n "$coffer_major" ] && [ "$coffer_major" != 1 ] && return 0
  fi
  # A java that does not run is no candidate, not the end of a caller running under set -e.
  coffer_major=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1 | cut -d. -f1) || true
}

coffer_find_jdk() {
  local candidates=() dir java best="" best_major=0
  # JAVA_HOME wins whenever it is new enough; then nothing else is looked at.
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    coffer_read_major "$JAVA_HOME/bin/java"
    [ -n "$coffer_major" ] && [ "$coffer_major" -ge 21 ] && { best=$JAVA_HOME; best_major=$coffer_major; }
  fi
  if [ -z "$best" ]; then
    if java=$(command -v java); then
      java=$(readlink -f "$java" 2>/dev/null || echo "$java")
      java=${java%/*}
      candidates+=("${java%/*}")
    fi
    for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/java/* "$HOME"/.sdkman/candidates/java/* \
               "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      [ -d "$dir" ] && candidates+=("$dir")
    done
    # The first new enough, unless a later one is newer: java on PATH, then the newest install.
    for dir in "${candidates[@]}"; do
      [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
      coffer_read_major "$dir/bin/java"
      [ -n "$coffer_major" ] && [ "$coffer_major" -ge 21 ] && [ "$coffer_major" -gt "$best_major" ] && { best=$dir; best_major=$coffer_major; }
    done
  fi
  if [ -z "$best" ]; then
    echo "coffer: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm). Fix: install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  # For the caller (the launcher chooses options by it): JAVA_HOME's version, already read.
  coffer_major=$best_major
  # Maven's own Guice warns about sun.misc.Unsafe on JDK 24+; the flag does not exist before.
  if [ "$best_major" -ge 24 ]; then
    case "${MAVEN_OPTS:-}" in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  fi
}

coffer_jvm_options() {
  # Sets the array coffer_jvm_opts to Coffer's JVM options for a JDK of major version $1 (README,
  # "JVM options"); an array, not printed lines, so that the launcher reads them without a subshell.
  # Without them the JVM sizes its heap from the machine (a quarter of its memory) and Coffer on
  # a 24 GiB machine grew to 0.9 GiB resident under load; with them 358 MiB at peak with the
  # embedded DynamoDB Local and S3Proxy in the same JVM (BENCHMARKS.md, "Coffer and PocketBase").
  # COFFER_JAVA_OPTS (given after these) overrides any.
  local major=$1
  coffer_jvm_opts=()
  # Serial GC: no concurrent GC threads and the least GC bookkeeping (G1 committed 38 MiB of its own
  # beside a 128 MiB heap); pauses on a heap this small are a few ms. Heap starts small and grows
  # only when a collection leaves less than 10 % free, and gives memory back above 30 % free --
  # at once, not a tenth per full collection (-ShrinkHeapInSteps; serve makes one full collection
  # when start-up's background work is done). 128 MiB, not less: the serial GC fills the old generation with
  # promoted garbage up to the ceiling under load, so the ceiling is the peak, but 96 MiB (30 MiB lower
  # peak RSS) served less in four interleaved runs at load 10-14 (BENCHMARKS.md, "memory").
  coffer_jvm_opts+=(-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps)
  # Caps, not reservations (used ~12-20 MiB of code, ~50 MiB of class metadata): a leak stops
  # with an error naming the area instead of growing without bound.
  coffer_jvm_opts+=(-XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=192m -XX:MaxDirectMemorySize=64m)
  # The JDK keeps a direct buffer per thread for every heap buffer written to a socket, as large
  # as the largest write: with 1 MiB writes on 100+ pool threads that alone was 100+ MiB.
  coffer_jvm_opts+=(-Djdk.nio.maxCachedBufferSize=262144)
  # Hand freed native memory (C2's arenas, SQLite's) back to the OS every 5 s (a product flag since 22).
  [ "$major" -ge 22 ] && coffer_jvm_opts+=(-XX:TrimNativeHeapInterval=5000)
  # 8-byte object headers (JEP 519, product in 25): 10-20 % less heap for the same objects.
  [ "$major" -ge 25 ] && coffer_jvm_opts+=(-XX:+UseCompactObjectHeaders)
  return 0
}
