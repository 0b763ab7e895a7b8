#!/usr/bin/env bash
# Stop the broker started by start.sh: SIGTERM (clean shutdown), bounded wait, then SIGKILL.
#   --clean   also remove the run directory (data, logs, cluster id): the next start formats afresh
# Environment: KAFKA_RUN_DIR (default infra/kafka/run), KAFKA_STOP_TIMEOUT seconds (default 30).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="${KAFKA_RUN_DIR:-$HERE/run}"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
PIDFILE="$RUN/kafka.pid"
clean=false
for arg in "$@"; do
  case "$arg" in
    --clean) clean=true ;;
    *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
  esac
done

if [[ -f "$PIDFILE" ]] && pid="$(cat "$PIDFILE")" && [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
  # only signal the process if it really is our broker (the pid may have been reused)
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "kafka: stopping pid $pid" >&2
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "kafka: still running after ${TIMEOUT}s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    echo "kafka: stopped" >&2
  else
    echo "kafka: pid $pid is not a Kafka broker; leaving it alone" >&2
  fi
else
  echo "kafka: not running" >&2
fi
rm -f "$PIDFILE"

if $clean; then
  rm -rf "$RUN"
  echo "kafka: removed $RUN" >&2
fi
