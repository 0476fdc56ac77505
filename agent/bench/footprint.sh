#!/usr/bin/env bash
# The agent's footprint beside node_exporter, both running at once on this host (docs/BENCHMARKS.md, "Agent
# footprint beside node_exporter"). Usage, from the repository root after
# `./mvnw -B -q -DskipTests -pl dist -am package`:
#
#   agent/bench/footprint.sh [cycles] [interval_s]     # defaults: 20 cycles of 5 s
#
# Starts a receive-only transfer (`bin/peregrine transfer` with no graph or judge nodes: it takes and drops what the
# agent ships), `bin/peregrine agent` (launcher flags; JAVA_OPTS is passed on and overrides them) with 10 plugins and
# no hbs, and prometheus-node-exporter (Debian package), all on loopback ports.
# After a warm-up it reads utime+stime (/proc/<pid>/stat fields 14, 15) of both, lets the agent run `cycles` rounds
# while node_exporter is scraped `cycles` times `interval_s` apart, reads them again, and prints CPU per cycle/scrape,
# VmRSS and the load average before and after. FOOTPRINT_TRANSFER=host:port ships to that transfer instead (an
# address nobody listens on measures an agent spooling through an outage).
set -euo pipefail
cycles=${1:-20}
interval=${2:-5}
warmup=${FOOTPRINT_WARMUP:-40}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work=$(mktemp -d /tmp/peregrine-footprint.XXXXXX)
mkdir -p "$work/plugins" "$work/spool"
for i in $(seq 1 10); do
  printf '#!/bin/sh\necho "[{\\"endpoint\\":\\"h\\",\\"metric\\":\\"plugin.p%s\\",\\"value\\":1,\\"step\\":60,\\"counterType\\":\\"GAUGE\\"}]"\n' "$i" \
    >"$work/plugins/60_p$i.sh"
  chmod +x "$work/plugins/60_p$i.sh"
done
ne_port=$((20000 + RANDOM % 20000))
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

transfer_port=$((ne_port + 1))
if [[ -z "${FOOTPRINT_TRANSFER:-}" ]]; then
  JAVA_OPTS= PEREGRINE_TRANSFER_GRPC_LISTEN=127.0.0.1:$transfer_port PEREGRINE_TRANSFER_HTTP_LISTEN=127.0.0.1:0 \
  PEREGRINE_TRANSFER_GRAPH_NODES= PEREGRINE_TRANSFER_JUDGE_NODES= PEREGRINE_TRANSFER_QUEUE_DIR= \
  PEREGRINE_TRANSFER_JSON_RPC_LISTEN= "$root/bin/peregrine" transfer >"$work/transfer.log" 2>&1 &
  pids+=("$!")
fi
PEREGRINE_AGENT_LISTEN=127.0.0.1:0 PEREGRINE_AGENT_HBS_ADDRESS= \
PEREGRINE_AGENT_TRANSFER_ADDRESSES=${FOOTPRINT_TRANSFER:-127.0.0.1:$transfer_port} PEREGRINE_AGENT_SPOOL_DIR="$work/spool" \
PEREGRINE_AGENT_COLLECT_INTERVAL=${interval}s PEREGRINE_AGENT_PLUGIN_DIRS="$work/plugins" \
  "$root/bin/peregrine" agent >"$work/agent.log" 2>&1 &
agent=$!
pids+=("$agent")
prometheus-node-exporter --web.listen-address=127.0.0.1:$ne_port --no-collector.systemd >"$work/ne.log" 2>&1 &
ne=$!
pids+=("$ne")

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

sleep "$warmup"
load_before=$(cat /proc/loadavg)
a0=$(ticks "$agent"); n0=$(ticks "$ne")
series=0
for _ in $(seq 1 "$cycles"); do
  series=$(curl -fsS "http://127.0.0.1:$ne_port/metrics" | grep -vc '^#')
  sleep "$interval"
done
a1=$(ticks "$agent"); n1=$(ticks "$ne")
load_after=$(cat /proc/loadavg)
agent_port=$(grep -o 'POST /v1/push on port [0-9]*' "$work/agent.log" | awk '{print $NF}')
agent_series=$(curl -fsS "http://127.0.0.1:$agent_port/metrics/host" | grep -vc '^#' || echo "?")

awk -v a="$((a1 - a0))" -v n="$((n1 - n0))" -v c="$cycles" -v hz="$hz" -v ar="$(rss_kib "$agent")" \
  -v nr="$(rss_kib "$ne")" -v as="$agent_series" -v ns="$series" 'BEGIN {
  printf "agent:         %6.1f ms CPU per %s s cycle, RSS %5.1f MiB, %s host series\n", a*1000/hz/c, '"$interval"', ar/1024, as
  printf "node_exporter: %6.1f ms CPU per scrape,      RSS %5.1f MiB, %s series\n", n*1000/hz/c, nr/1024, ns
}'
echo "spooled by the agent: $(ls "$work/spool" | wc -l) files (0 = transfer took everything)"
echo "cycles: $cycles, interval: ${interval}s, JAVA_OPTS: ${JAVA_OPTS:-}"
echo "loadavg before: $load_before"
echo "loadavg after:  $load_after"
