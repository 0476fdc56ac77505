#!/usr/bin/env bash
# Latency of 10,000-sample pushes to the agent's POST /v1/push (docs/BENCHMARKS.md, "A 10,000-sample push to
# /v1/push"). Usage, from the repository root after `./mvnw -B -q -DskipTests -pl dist -am package`:
#
#   agent/bench/push-latency.sh [runs] [duration]      # defaults: 3 runs of 60s
#
# Starts a receive-only transfer (`bin/peregrine transfer` with no graph or judge nodes: it takes and drops what the
# agent ships) and `bin/peregrine agent` (launcher flags; JAVA_OPTS is passed on), then runs
# `bin/peregrine bench push --mode http --batch 10000 --connections 1 --rate 20000 --endpoints 100 --metrics 100
# --warmup 10s --duration <duration>` against /v1/push `runs` times, printing each run's line with the load average
# before and after it and the agent's CPU (utime + stime) per push, and the agent's RSS at the end. PUSH_ROOT=<checkout> runs another checkout's
# build (an A/B in one sitting); the bench generator is always this checkout's.
set -euo pipefail
runs=${1:-3}
duration=${2:-60s}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target_root=${PUSH_ROOT:-$root}
work=$(mktemp -d /tmp/peregrine-push.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
tp=$port
ap=$((port + 1))
JAVA_OPTS= PEREGRINE_TRANSFER_GRPC_LISTEN=127.0.0.1:$tp PEREGRINE_TRANSFER_HTTP_LISTEN=127.0.0.1:0 \
PEREGRINE_TRANSFER_GRAPH_NODES= PEREGRINE_TRANSFER_JUDGE_NODES= PEREGRINE_TRANSFER_QUEUE_DIR= \
PEREGRINE_TRANSFER_JSON_RPC_LISTEN= "$target_root/bin/peregrine" transfer >"$work/transfer.log" 2>&1 &
pids+=("$!")
PEREGRINE_AGENT_LISTEN=127.0.0.1:$ap PEREGRINE_AGENT_HBS_ADDRESS= PEREGRINE_AGENT_TRANSFER_ADDRESSES=127.0.0.1:$tp \
PEREGRINE_AGENT_SPOOL_DIR="$work/spool" "$target_root/bin/peregrine" agent >"$work/agent.log" 2>&1 &
agent=$!
pids+=("$agent")
for _ in $(seq 1 120); do
  grep -q 'POST /v1/push on port' "$work/agent.log" 2>/dev/null && break
  sleep 0.5
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
echo "build: $target_root ($(git -C "$target_root" log --oneline -1 | cut -c1-60))"
for r in $(seq 1 "$runs"); do
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  t0=$(ticks "$agent")
  line=$("$root/bin/peregrine" bench push --mode http --target 127.0.0.1:$ap --http-path /v1/push --batch 10000 \
    --connections 1 --rate 20000 --endpoints 100 --metrics 100 --warmup 10s --duration "$duration" 2>&1 \
    | grep -E 'requests=' | tail -1)
  t1=$(ticks "$agent")
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  requests=$(echo "$line" | grep -o 'requests=[0-9]*' | cut -d= -f2)
  # the warm-up's pushes (10 s at 2 a second) are in the CPU too
  awk -v t="$((t1 - t0))" -v hz="$hz" -v n="${requests:-0}" -v d="${duration%s}" -v l="$line" -v b="$before" \
    -v a="$after" 'BEGIN { printf "run: %s | agent CPU %.1f ms per push | load %s -> %s\n", l, \
    (n > 0 ? t * 1000 / hz / (n * (d + 10) / d) : 0), b, a }'
done
echo "agent RSS after the runs: $(awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$agent/status")"
echo "spooled by the agent: $(ls "$work/spool" | wc -l) files (0 = transfer took everything)"
