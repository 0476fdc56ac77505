#!/usr/bin/env bash
# The outage run of issue #16, as a new user would try it: load keeps coming while graph is stopped for OUTAGE
# seconds; halfway through the outage transfer is killed with -9 and started again on the same disk queues; then
# graph comes back. Every sample transfer acknowledged must reach graph (and judge), with the counters showing
# any loss or replayed duplicate.
#
#   bench/scripts/transfer-outage.sh [outage-seconds=60] [rate=50000] [extra bench push options...]
#
# Graph and judge are two separate `peregrine bench sink` processes (so graph alone can be stopped); the generator
# is `peregrine bench push --mode grpc-unary` at a fixed rate. Prints, at the end: samples acknowledged to the
# generator, samples graph and judge received (over both graph processes), the difference, and transfer's
# dropped/torn counters. Judge's rate during the outage shows whether the other destination kept its pace. Both
# sinks run with --check-order: graph_backwards/judge_backwards count samples that arrived older than their series'
# newest one (per sink process; the generator's timestamp 0 is stamped by transfer at ingest, whole seconds).
# KILL=0 leaves transfer running through the outage (a pure destination outage); the default kills it with -9.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
outage=${1:-60}
rate=${2:-50000}
shift $(( $# >= 2 ? 2 : $# ))
peregrine="$root/bin/peregrine"
before=10
after=10
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 450); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 never opened" >&2; return 1; }
gone() { for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
say() { echo "[$(date +%T)] $*"; }
metric() { # sum of a transfer metric's samples (0 when absent)
  curl -s "http://127.0.0.1:$http/metrics" | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%.0f", s}'
}

g=$(free_port); j=$(free_port); grpc=$(free_port); http=$(free_port)
sink() { # log graph-port judge-port
  JAVA_OPTS="-Xmx256m" "$peregrine" bench sink --graph-listen "127.0.0.1:$2" --judge-listen "127.0.0.1:$3" \
    --report-interval 1s --check-order >>"$work/$1.log" 2>&1 &
  echo $!
}
graph_pid=$(sink graph1 "$g" 0); pids+=("$graph_pid")
judge_pid=$(sink judge 0 "$j"); pids+=("$judge_pid")
wait_port "$g"; wait_port "$j"

cat >"$work/transfer.yaml" <<YAML
transfer:
  grpcListen: 127.0.0.1:$grpc
  httpListen: 127.0.0.1:$http
  jsonRpcListen: ""
  graphNodes: [graph-0=127.0.0.1:$g]
  judgeNodes: [judge-0=127.0.0.1:$j]
  queueDir: $work/queue
YAML
start_transfer() {
  PEREGRINE_LOG_LEVEL=WARN "$peregrine" transfer --config "$work/transfer.yaml" >>"$work/transfer.log" 2>&1 &
  pids+=($!)
  wait_port "$grpc"; wait_port "$http"
  tpid=$(pgrep -f "transfer --config $work/transfer.yaml" | head -1)
}
start_transfer
say "graph :$g, judge :$j, transfer :$grpc (pid $tpid), queues under $work/queue; load $(cut -d' ' -f1-3 /proc/loadavg)"

total=$((before + outage + after))
"$peregrine" bench push --mode grpc-unary --target "127.0.0.1:$grpc" --duration "${total}s" --warmup 0s \
  --rate "$rate" "$@" >"$work/push.log" 2>&1 &
push_pid=$!; pids+=("$push_pid")

sleep "$before"
say "graph stopped (SIGTERM) for ${outage}s; load continues"
kill "$graph_pid"; gone "$graph_pid"
sleep $((outage / 2))
if [[ "${KILL:-1}" != 0 ]]; then
  say "transfer killed -9 (pid $tpid): queued $(metric 'transfer_queue_samples{cluster="graph"') graph samples, $(metric 'transfer_queue_disk_bytes{cluster="graph"') bytes on disk"
  kill -9 "$tpid"; wait "$tpid" 2>/dev/null || true
  start_transfer
  say "transfer restarted (pid $tpid)"
else
  say "halfway: queued $(metric 'transfer_queue_samples{cluster="graph"') graph samples, $(metric 'transfer_queue_disk_bytes{cluster="graph"') bytes on disk"
fi
sleep $((outage - outage / 2))
graph_pid=$(sink graph2 "$g" 0); pids+=("$graph_pid")
wait_port "$g"
say "graph back"
wait "$push_pid" || true
acked=$(grep -oE 'accepted=[0-9]+' "$work/push.log" | tail -1 | cut -d= -f2)
say "load ended: $acked samples acknowledged to the generator"
graph_total() { # what both graph processes received so far
  local a b
  a=$(grep -oE 'duration=[0-9.]+s graph samples=[0-9]+' "$work/graph1.log" | tail -1 | awk -F= '{print $NF}')
  b=$(grep -oE 'graph samples/s=[0-9]+ total=[0-9]+' "$work/graph2.log" | tail -1 | awk -F= '{print $NF}')
  echo $(( ${a:-0} + ${b:-0} ))
}
last=-1; still=0
for _ in $(seq 1 600); do # until graph has everything, or nothing moved for 15 s
  now=$(graph_total)
  (( now >= acked )) && break
  if (( now == last )); then still=$((still + 1)); (( still >= 15 )) && break; else still=0; fi
  last=$now; sleep 1
done
say "replay done: graph has $(graph_total); transfer queues hold $(metric 'transfer_queue_samples{') samples"
dropped=$(metric 'transfer_dropped_samples_total{'); torn=$(metric 'transfer_queue_torn_bytes{')
kill "$graph_pid" "$judge_pid"; gone "$graph_pid"; gone "$judge_pid"

graph_got=$(grep -hoE 'duration=[0-9.]+s graph samples=[0-9]+' "$work/graph1.log" "$work/graph2.log" \
  | awk -F= '{s += $NF} END {print s+0}')
judge_got=$(grep -hoE 'judge samples=[0-9]+' "$work/judge.log" | tail -1 | cut -d= -f2)
echo "judge during the run (samples/s each second; graph was away from t=${before}s for ${outage}s):"
grep -oE 't=[0-9]+s .*judge samples/s=[0-9]+' "$work/judge.log" | awk '{split($1, t, "[=s]"); split($NF, v, "=");
  if (t[2] % 5 == 0) printf "%s=%s ", t[2], v[2]}'; echo
echo "outage: acknowledged=$acked graph_received=$graph_got judge_received=${judge_got:-0}" \
  "graph_missing=$((acked > graph_got ? acked - graph_got : 0)) graph_extra=$((graph_got > acked ? graph_got - acked : 0))" \
  "judge_missing=$((acked > ${judge_got:-0} ? acked - ${judge_got:-0} : 0))" \
  "transfer_dropped_after_restart=$dropped torn_bytes_cut_at_restart=$torn"
echo "order: $(grep -hoE 'graph_backwards=-?[0-9]+' "$work/graph1.log" "$work/graph2.log" | tr '\n' ' ')$(grep -hoE 'judge_backwards=-?[0-9]+' "$work/judge.log")"
grep -E '^bench push: mode=' "$work/push.log" | head -1
cat /proc/loadavg
