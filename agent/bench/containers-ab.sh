#!/usr/bin/env bash
# The agent's CPU per cycle with 100 containers' fixture cgroups against the same agent with containers off, both at
# once (docs/BENCHMARKS.md, "Agent with 100 containers' cgroups"). Usage, from the repository root after
# `./mvnw -B -q -DskipTests -pl dist -am package`:
#
#   agent/bench/containers-ab.sh [checkout ...]     # default: this checkout; several = all their agents at once
#
# Writes a FixtureCgroups tree (100 Burstable pods, one container each, systemd layout, cgroup v2 files), starts a
# receive-only transfer (no graph or judge nodes) and, per checkout, agent A (`containers.enabled=false`) and agent B
# (the fixture tree as its cgroup root), 5 s cycles, launcher flags. After BENCH_WARMUP (40) s it reads utime+stime
# of every agent, waits BENCH_SECONDS (100) s = 20 cycles, reads them again and prints CPU per cycle, B/A, the
# per-thread split of B (10 ms ticks) and VmRSS, with the load average before and after.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
builds=("$@")
[[ ${#builds[@]} -eq 0 ]] && builds=("$root")
warmup=${BENCH_WARMUP:-40}
seconds=${BENCH_SECONDS:-100}
work=$(mktemp -d /tmp/peregrine-containers.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
java -cp "$root/dist/target/peregrine.jar:$root/dist/target/lib/*" io.peregrine.agent.container.FixtureCgroups \
  "$work/cg" 100 1 >/dev/null
tp=$((20000 + RANDOM % 20000))
JAVA_OPTS= PEREGRINE_TRANSFER_GRPC_LISTEN=127.0.0.1:$tp PEREGRINE_TRANSFER_HTTP_LISTEN=127.0.0.1:0 \
PEREGRINE_TRANSFER_GRAPH_NODES= PEREGRINE_TRANSFER_JUDGE_NODES= PEREGRINE_TRANSFER_QUEUE_DIR= \
PEREGRINE_TRANSFER_JSON_RPC_LISTEN= "$root/bin/peregrine" transfer >"$work/transfer.log" 2>&1 &
pids+=("$!")
names=()
agents=()
i=0
for b in "${builds[@]}"; do
  for variant in A B; do
    extra=(PEREGRINE_AGENT_CONTAINERS_ENABLED=false)
    [[ $variant == B ]] && extra=(PEREGRINE_AGENT_CONTAINERS_CGROUP_ROOT="$work/cg")
    env PEREGRINE_AGENT_LISTEN=127.0.0.1:0 PEREGRINE_AGENT_HBS_ADDRESS= PEREGRINE_AGENT_TRANSFER_ADDRESSES=127.0.0.1:$tp \
      PEREGRINE_AGENT_COLLECT_INTERVAL=5s PEREGRINE_AGENT_SPOOL_DIR="$work/spool$i$variant" "${extra[@]}" \
      "$b/bin/peregrine" agent >"$work/agent$i$variant.log" 2>&1 &
    pids+=("$!")
    agents+=("$!")
    names+=("$(git -C "$b" log --oneline -1 | cut -c1-8) $variant")
  done
  i=$((i + 1))
done
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
threads() { for t in /proc/$1/task/*; do echo "$(tr " " _ <"$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done; }
hz=$(getconf CLK_TCK)
cycles=$((seconds / 5))
sleep "$warmup"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=()
for a in "${agents[@]}"; do t0+=("$(ticks "$a")"); threads "$a" >"$work/threads0.$a"; done
sleep "$seconds"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for k in "${!agents[@]}"; do
  a=${agents[$k]}
  t1=$(ticks "$a")
  threads "$a" >"$work/threads1.$a"
  ms=$(awk -v t="$((t1 - t0[k]))" -v hz="$hz" -v c="$cycles" 'BEGIN { printf "%.1f", t * 1000 / hz / c }')
  rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$a/status")
  echo "${names[$k]}: $ms ms CPU per cycle, RSS $rss MiB"
  if [[ ${names[$k]} == *B ]]; then
    # per thread, ms a cycle, the busiest first
    join <(sort "$work/threads0.$a" | awk '{s[$1]+=$2} END {for (n in s) print n, s[n]}' | sort) \
      <(sort "$work/threads1.$a" | awk '{s[$1]+=$2} END {for (n in s) print n, s[n]}' | sort) \
      | awk -v hz="$hz" -v c="$cycles" '{d = ($3 - $2) * 1000 / hz / c; if (d > 0) printf "  %s %.1f\n", $1, d}' \
      | sort -k2 -nr | head -8
  fi
done
echo "spooled: $(cat "$work"/spool*/* 2>/dev/null | wc -c) bytes (0 = transfer took everything)"
echo "loadavg before: $load_before"
echo "loadavg after:  $load_after"
