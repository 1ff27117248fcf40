#!/usr/bin/env bash
# Load benchmarks of annohub with wrk, on SQLite, against the targets in docs/BENCHMARKS.md.
# Prints a markdown report on stdout (progress on stderr). Every number comes from this run:
# each measurement is repeated ROUNDS times, interleaved with its baseline, and medians are quoted.
#
#   bench/run.sh                 # all scenarios
#   ROUNDS=5 DURATION=15s bench/run.sh
#
# Needs: wrk (installed with apt-get if missing), python3, a release build (built if missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${ANNOHUB_BIN:-$ROOT/target/release/annohub}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BIG=${BIG:-1000000}
KEY=ak_benchmark_key_0123456789abcdef0123456789abcdef
WORK=$(mktemp -d)
PIDS=()

log() { echo "[bench] $*" >&2; }
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
[ -x "$BIN" ] || { log "building release binary"; (cd "$ROOT" && cargo build --release -p annohub >&2); }

# start_server DIR: starts annohub on a free port; sets PORT and PID.
start_server() {
  local dir=$1
  mkdir -p "$dir"
  ANNOHUB_BOOTSTRAP_API_KEY=$KEY "$BIN" serve --listen 127.0.0.1:0 --data-dir "$dir" >"$dir/out.log" 2>"$dir/err.log" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 200); do
    PORT=$(sed -n 's#^annohub listening on http://127.0.0.1:\([0-9]*\)$#\1#p' "$dir/out.log")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  log "server did not start: $(cat "$dir/err.log")"; exit 1
}

stop_server() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; }

# run_wrk URL [wrk args…]: prints "RPS P99_MS".
run_wrk() {
  local url=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "apikey: $KEY" "$@" "$url" | awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
               if (unit == "us") v = v / 1000; else if (unit == "s") v = v * 1000; p99 = v }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { if (bad > 0) { print "non-2xx responses: " bad > "/dev/stderr"; exit 1 } printf "%.0f %.2f\n", rps, p99 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

create_project() {
  curl -sf -XPOST "http://127.0.0.1:$PORT/v2/project" -H "apikey: $KEY" -H 'Content-Type: application/json' \
    -d '{"name": "Benchmark project", "description": "read benchmark"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["project"]["_id"])'
}

echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine; $ROUNDS rounds each, medians."
echo

# 1. GET /v2/project/{id} against /healthz of the same process.
log "scenario 1: GET /v2/project/{id} vs /healthz"
start_server "$WORK/read"
PROJECT=$(create_project)
: >"$WORK/health" ; : >"$WORK/get"
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "http://127.0.0.1:$PORT/healthz" >>"$WORK/health"
  run_wrk "http://127.0.0.1:$PORT/v2/project/$PROJECT" >>"$WORK/get"
  log "round $round: healthz $(tail -1 "$WORK/health"), get $(tail -1 "$WORK/get")"
done
RSS_READ=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
stop_server
H_RPS=$(cut -d' ' -f1 "$WORK/health" | median); H_P99=$(cut -d' ' -f2 "$WORK/health" | median)
G_RPS=$(cut -d' ' -f1 "$WORK/get" | median); G_P99=$(cut -d' ' -f2 "$WORK/get" | median)
echo "| scenario | req/s (median) | p99 ms (median) | ratio |"
echo "|---|---|---|---|"
echo "| GET /healthz (baseline) | $H_RPS | $H_P99 | 1.00 |"
echo "| GET /v2/project/{id} | $G_RPS | $G_P99 | $(python3 -c "print(f'{$G_RPS / $H_RPS:.2f}')") of /healthz |"

# 2. Create throughput (durable, synchronous=FULL).
log "scenario 2: POST /v2/project"
start_server "$WORK/write"
: >"$WORK/create"
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "http://127.0.0.1:$PORT/v2/project" -s "$ROOT/bench/create_project.lua" -H 'Content-Type: application/json' >>"$WORK/create"
  log "round $round: create $(tail -1 "$WORK/create")"
done
RSS_WRITE=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
stop_server
C_RPS=$(cut -d' ' -f1 "$WORK/create" | median); C_P99=$(cut -d' ' -f2 "$WORK/create" | median)
echo "| POST /v2/project (synchronous=FULL) | $C_RPS | $C_P99 | — |"

# 3. listProjects page 1 with 1,000 vs $BIG projects in one organization.
log "scenario 3: listProjects at 1000 vs $BIG projects"
for size in 1000 "$BIG"; do
  start_server "$WORK/list$size"; stop_server
  python3 "$ROOT/bench/seed_projects.py" "$WORK/list$size/annohub.db" "$size" admin@localhost
done
: >"$WORK/list_small"; : >"$WORK/list_big"
for round in $(seq 1 "$ROUNDS"); do
  for size in 1000 "$BIG"; do
    start_server "$WORK/list$size"
    total=$(curl -sf "http://127.0.0.1:$PORT/v2/listProjects?page=1&limit=10" -H "apikey: $KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["total"])')
    [ "$total" = "$size" ] || { log "total is $total, expected $size"; exit 1; }
    target=$([ "$size" = 1000 ] && echo list_small || echo list_big)
    run_wrk "http://127.0.0.1:$PORT/v2/listProjects?page=1&limit=10" >>"$WORK/$target"
    [ "$size" = "$BIG" ] && RSS_LIST=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
    stop_server
  done
  log "round $round: 1k $(tail -1 "$WORK/list_small"), big $(tail -1 "$WORK/list_big")"
done
LS_RPS=$(cut -d' ' -f1 "$WORK/list_small" | median); LS_P99=$(cut -d' ' -f2 "$WORK/list_small" | median)
LB_RPS=$(cut -d' ' -f1 "$WORK/list_big" | median); LB_P99=$(cut -d' ' -f2 "$WORK/list_big" | median)
echo "| listProjects page 1, 1,000 projects (baseline) | $LS_RPS | $LS_P99 | 1.00 |"
echo "| listProjects page 1, $BIG projects | $LB_RPS | $LB_P99 | $(python3 -c "print(f'{$LS_RPS / $LB_RPS:.2f}')")× slower |"
echo

# 4. Time to ready on the large database.
log "scenario 4: start-up time on the $BIG-project database"
READY_MS=$(python3 - "$BIN" "$WORK/list$BIG" "$KEY" <<'PY'
import socket, subprocess, sys, time, urllib.request, statistics, os
binary, data_dir, key = sys.argv[1:4]
times = []
for _ in range(3):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    started = time.monotonic()
    proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/listProjects", headers={"apikey": key})
            if urllib.request.urlopen(req, timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.005)
    times.append((time.monotonic() - started) * 1000)
    proc.terminate(); proc.wait()
print(f"{statistics.median(times):.0f}")
PY
)
echo "| measure | value |"
echo "|---|---|"
echo "| time from exec to first answered listProjects, $BIG projects (median of 3) | $READY_MS ms |"
echo "| peak RSS, read scenario | $RSS_READ MiB |"
echo "| peak RSS, create scenario | $RSS_WRITE MiB |"
echo "| peak RSS, listProjects on $BIG projects | ${RSS_LIST:-?} MiB |"
