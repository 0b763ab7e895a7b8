#!/usr/bin/env bash
# Start a single-node KRaft Kafka broker (jars from Maven Central) on 127.0.0.1, in the background.
# Idempotent: if our broker already runs and answers, it only prints the address.
# On success prints `KAFKA_BROKERS=127.0.0.1:<port>` on stdout (the only stdout line); exits non-zero with
# the log tail on failure.
#
# Environment:
#   KAFKA_PORT             PLAINTEXT port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_RUN_DIR          data, logs and pid file (default infra/kafka/run)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 90)
#   KAFKA_HEAP_OPTS        JVM heap options (default -Xms256m -Xmx768m)
#   JAVA                   java executable (default: java on PATH, else $JAVA_HOME/bin/java); Java 17+
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$HERE/lib"
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
RUN="${KAFKA_RUN_DIR:-$HERE/run}"
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
JAVA="${JAVA:-$(command -v java || echo "${JAVA_HOME:-/nonexistent}/bin/java")}"
PIDFILE="$RUN/kafka.pid"
OUT="$RUN/kafka.out"
LOGS="$RUN/logs"
BOOTSTRAP="127.0.0.1:$PORT"

log() { echo "kafka: $*" >&2; }
# die: fail and show the log tails; fail: fail before the broker was involved
fail() {
  log "$*"
  exit 1
}
die() {
  log "$*"
  for f in "$OUT" "$LOGS/server.log"; do
    if [[ -s "$f" ]]; then echo "----- tail of $f -----" >&2; tail -n 40 "$f" >&2; fi
  done
  exit 1
}

[[ -x "$JAVA" ]] || fail "no java found (need Java 17+): set JAVA or JAVA_HOME"
command -v mvn >/dev/null || [[ -f "$LIB/.pom.sha256" ]] || fail "mvn not found and $LIB is missing"

# one start.sh at a time per run directory (parallel CI steps, two terminals)
mkdir -p "$RUN"
exec 9>"$RUN/.start.lock"
flock -w 300 9 || fail "another start.sh holds $RUN/.start.lock"

# --- 1. the jars: resolved with Maven only when lib/ is missing or pom.xml changed ----------------------
pom_sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
if [[ ! -f "$LIB/.pom.sha256" || "$(cat "$LIB/.pom.sha256")" != "$pom_sum" ]]; then
  log "resolving broker jars with Maven into $LIB"
  tmp="$HERE/lib.tmp.$$"
  rm -rf "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  if ! mvn_out="$(mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1)"; then
    echo "$mvn_out" >&2
    fail "Maven could not resolve the broker jars"
  fi
  echo "$pom_sum" >"$tmp/.pom.sha256"
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  trap - EXIT
fi
CP="$LIB/*"
TOOLS_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$HERE/tools-log4j2.properties")

# answers: the broker serves metadata (lists topics) on the PLAINTEXT listener
answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || return 1
  timeout 30 "$JAVA" "${TOOLS_OPTS[@]}" -cp "$CP" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1
}
running_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # the pid may have been reused by another process after a reboot
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$LOGS"

# --- 2. already running? ------------------------------------------------------------------------------
if pid="$(running_pid)"; then
  log "already running (pid $pid)"
  grep -q "^listeners=PLAINTEXT://127.0.0.1:$PORT," "$RUN/server.properties" ||
    fail "the running broker does not listen on port $PORT (see $RUN/server.properties); stop it first"
else
  rm -f "$PIDFILE"
  for p in "$PORT" "$CPORT"; do
    port_busy "$p" && fail "port $p on 127.0.0.1 is in use by another process (set KAFKA_PORT/KAFKA_CONTROLLER_PORT)"
  done

  # --- 3. configuration: the checked-in file plus the port- and path-dependent settings ----------------
  cfg="$RUN/server.properties"
  {
    cat "$HERE/server.properties"
    echo
    echo "# ---- appended by start.sh (later keys win) ----"
    echo "listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$PORT"
    echo "controller.quorum.voters=1@127.0.0.1:$CPORT"
    echo "log.dirs=$RUN/data"
  } >"$cfg"

  # --- 4. format the storage once, with a cluster id kept in run/ --------------------------------------
  if [[ ! -f "$RUN/data/meta.properties" ]]; then
    [[ -s "$RUN/cluster.id" ]] ||
      "$JAVA" "${TOOLS_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool random-uuid >"$RUN/cluster.id" ||
      die "could not generate a cluster id"
    log "formatting $RUN/data with cluster id $(cat "$RUN/cluster.id")"
    "$JAVA" "${TOOLS_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format \
      -t "$(cat "$RUN/cluster.id")" -c "$cfg" >>"$OUT" 2>&1 || die "storage format failed"
  fi

  # --- 5. start in the background -------------------------------------------------------------------------
  log "starting broker on $BOOTSTRAP (controller 127.0.0.1:$CPORT), logs in $LOGS"
  # fd 9 (the start lock) is closed for the broker, or it would hold the lock while it runs
  # shellcheck disable=SC2086
  nohup "$JAVA" $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true -Dlog4j2.shutdownHookEnabled=false \
    -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -cp "$CP" kafka.Kafka "$cfg" >>"$OUT" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDFILE"
fi

# --- 6. wait until the broker really answers ---------------------------------------------------------------
deadline=$((SECONDS + TIMEOUT))
# kill -0, not running_pid: right after the fork the child may not have exec'd java yet, and its command
# line would not name kafka.Kafka (a race that failed first starts now and then).
until answers; do
  kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null || die "broker process exited during startup"
  ((SECONDS < deadline)) || die "broker did not answer on $BOOTSTRAP within ${TIMEOUT}s (pid $(cat "$PIDFILE" 2>/dev/null)); stop it with $HERE/stop.sh"
  sleep 1
done
log "ready on $BOOTSTRAP (pid $(cat "$PIDFILE"))"
echo "KAFKA_BROKERS=$BOOTSTRAP"
