#!/usr/bin/env bash
# Contract test: runs schemathesis with every check against a real annohub server and its own
# /openapi.json, and fails on any finding. The server must do what its document says and the
# document must say what the server does.
#
#   ANNOHUB_BIN                  the binary to test (default target/debug/annohub)
#   SCHEMATHESIS                 the schemathesis executable (default: schemathesis on PATH);
#                                tests/contract/requirements.txt pins its version
#   ANNOHUB_TEST_DATABASE_URL    when set, the server uses this database (e.g. postgres://…)
#   SCHEMATHESIS_MAX_EXAMPLES    examples per operation in the fuzzing and stateful phases (default 30)
#   SCHEMATHESIS_SEED            the seed (default 20251128); fixed so that runs are reproducible
#   SCHEMATHESIS_REPORT_DIR      when set, JUnit and NDJSON reports are written there
#
# Next to this script: schemathesis.toml (which answers are right for annohub, and the document's
# own links instead of guessed ones) and contract_hooks.py (makes generated valid bodies also meet
# the documented rules JSON Schema cannot express, such as unique ids and existing users).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

ANNOHUB_BIN="${ANNOHUB_BIN:-$root/target/debug/annohub}"
SCHEMATHESIS="${SCHEMATHESIS:-schemathesis}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-30}"
SEED="${SCHEMATHESIS_SEED:-20251128}"
READY_TIMEOUT_S=30
STOP_TIMEOUT_S=30

if [[ ! -x "$ANNOHUB_BIN" ]]; then
  echo "annohub binary not found at $ANNOHUB_BIN (build it with: cargo build -p annohub)" >&2
  exit 2
fi
if ! command -v "$SCHEMATHESIS" >/dev/null 2>&1; then
  echo "schemathesis not found ($SCHEMATHESIS); pip install -r $here/requirements.txt" >&2
  exit 2
fi
# Absolute, since schemathesis runs in the scratch directory (where Hypothesis keeps its files).
if [[ "$SCHEMATHESIS" == */* ]]; then
  SCHEMATHESIS="$(cd "$(dirname "$SCHEMATHESIS")" && pwd)/$(basename "$SCHEMATHESIS")"
fi
if [[ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]]; then
  mkdir -p "$SCHEMATHESIS_REPORT_DIR"
  SCHEMATHESIS_REPORT_DIR="$(cd "$SCHEMATHESIS_REPORT_DIR" && pwd)"
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "curl is required" >&2
  exit 2
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if ((status != 0)) && [[ -s "$work/server.log" ]]; then
    echo "----- last lines of the server log -----" >&2
    tail -n 40 "$work/server.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# A random admin key for this run only.
api_key="ak_contract_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

serve_args=(serve --listen 127.0.0.1:0 --data-dir "$work/data"
  # The failed-authentication limiter would turn schemathesis's ignored-auth probes into 429s
  # (documented, but then the probes would prove nothing); per-key rate limiting is off by default.
  --auth-failures-per-minute 0)
if [[ -n "${ANNOHUB_TEST_DATABASE_URL:-}" ]]; then
  serve_args+=(--database-url "$ANNOHUB_TEST_DATABASE_URL")
fi

ANNOHUB_BOOTSTRAP_API_KEY="$api_key" ANNOHUB_LOG="${ANNOHUB_LOG:-warn}" \
  "$ANNOHUB_BIN" "${serve_args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

# The server prints "annohub listening on http://ADDRESS" once it is bound.
base_url=""
deadline=$((SECONDS + READY_TIMEOUT_S))
until [[ -n "$base_url" ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "annohub exited before listening" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "annohub did not report its address within ${READY_TIMEOUT_S}s" >&2
    exit 1
  fi
  base_url="$(sed -n 's/^annohub listening on \(http:\/\/[^ ]*\).*$/\1/p' "$work/server.log" | head -n 1)"
  [[ -n "$base_url" ]] || sleep 0.1
done
until curl -fsS -o /dev/null "$base_url/healthz"; do
  if ((SECONDS >= deadline)); then
    echo "annohub did not answer /healthz within ${READY_TIMEOUT_S}s" >&2
    exit 1
  fi
  sleep 0.1
done
echo "annohub is up at $base_url"

report_args=()
if [[ -n "${SCHEMATHESIS_REPORT_DIR:-}" ]]; then
  report_args=(--report junit,ndjson --report-dir "$SCHEMATHESIS_REPORT_DIR")
fi

st_status=0
(cd "$work" && SCHEMATHESIS_HOOKS="contract_hooks" PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" \
  "$SCHEMATHESIS" --config-file "$here/schemathesis.toml" run "$base_url/openapi.json" \
  --header "apikey: $api_key" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --generation-database none \
  --workers 2 \
  --request-timeout 30 \
  --no-color \
  "${report_args[@]+"${report_args[@]}"}") || st_status=$?

# SIGTERM: the server finishes in-flight requests and exits 0.
kill -TERM "$server_pid"
stop_deadline=$((SECONDS + STOP_TIMEOUT_S))
while kill -0 "$server_pid" 2>/dev/null; do
  if ((SECONDS >= stop_deadline)); then
    echo "annohub did not stop within ${STOP_TIMEOUT_S}s of SIGTERM" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.1
done
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
if ((server_status != 0)); then
  echo "annohub exited with status $server_status after SIGTERM" >&2
  exit 1
fi

if ((st_status != 0)); then
  echo "schemathesis found failures (exit status $st_status)" >&2
  exit "$st_status"
fi
echo "schemathesis: no failures"
