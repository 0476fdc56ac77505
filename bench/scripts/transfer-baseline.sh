#!/usr/bin/env bash
# Measures transfer under `peregrine bench push` on this machine, the way docs/BENCHMARKS.md reports it:
# samples/s, transfer's CPU microseconds per sample (from /proc/<pid>/stat), its RSS and heap after the run,
# and the generator's CPU share.
#
#   bench/scripts/transfer-baseline.sh receive-only|routed|http [duration-seconds] [extra bench push options...]
#
# receive-only: transfer with no graph or judge nodes (validates, then discards)
# routed:       transfer forwarding every sample to a graph sink and a judge sink (`peregrine bench sink`)
# http:         as routed, fed Open-Falcon JSON over POST /api/push instead of gRPC
#
# TLS_DIR=<dir holding tls.crt, tls.key (PKCS#8), ca.crt>: every hop over mutual TLS (clientAuth=require): generator
# -> transfer, transfer -> sinks. The certificate must name 127.0.0.1 (IP SAN) and carry serverAuth and clientAuth.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scenario=${1:?receive-only, routed or http}
duration=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
peregrine="$root/bin/peregrine"
JVM_FLAGS=${JVM_FLAGS:-"-Xms512m -Xmx2g -XX:+UseParallelGC"}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 never opened" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

sink_tls=(); push_tls=()
if [[ -n ${TLS_DIR:-} ]]; then
  sink_tls=(--tls-cert "$TLS_DIR/tls.crt" --tls-key "$TLS_DIR/tls.key" --tls-ca "$TLS_DIR/ca.crt" --tls-client-auth require)
  push_tls=(--tls-cert "$TLS_DIR/tls.crt" --tls-key "$TLS_DIR/tls.key" --tls-ca "$TLS_DIR/ca.crt")
fi

grpc=$(free_port); http=$(free_port)
graph_nodes="[]"; judge_nodes="[]"
if [[ $scenario != receive-only ]]; then
  g=$(free_port); j=$(free_port)
  JAVA_OPTS="-Xmx1g" "$peregrine" bench sink --graph-listen 127.0.0.1:$g --judge-listen 127.0.0.1:$j \
    --report-interval 10s "${sink_tls[@]}" >"$work/sink.log" 2>&1 &
  pids+=($!)
  wait_port "$g"; wait_port "$j"
  graph_nodes="[graph-0=127.0.0.1:$g]"; judge_nodes="[judge-0=127.0.0.1:$j]"
fi

cat >"$work/transfer.yaml" <<YAML
transfer:
  grpcListen: 127.0.0.1:$grpc
  httpListen: 127.0.0.1:$http
  graphNodes: $graph_nodes
  judgeNodes: $judge_nodes
YAML
if [[ -n ${TLS_DIR:-} ]]; then
  cat >>"$work/transfer.yaml" <<YAML
  tls: {server: true, client: true, cert: $TLS_DIR/tls.crt, key: $TLS_DIR/tls.key, ca: $TLS_DIR/ca.crt,
        clientAuth: require}
YAML
fi
JAVA_OPTS="$JVM_FLAGS" PEREGRINE_LOG_LEVEL=WARN "$peregrine" transfer --config "$work/transfer.yaml" \
  >"$work/transfer.log" 2>&1 &
launcher=$!
pids+=($launcher)
wait_port "$grpc"; wait_port "$http"
tpid=$(pgrep -f "transfer --config $work/transfer.yaml" | head -1)

mode=grpc-unary; target=127.0.0.1:$grpc
[[ $scenario == http ]] && { mode=http; target=127.0.0.1:$http; }
hz=$(getconf CLK_TCK)
before=$(cpu_ticks "$tpid")
start_ns=$(date +%s%N)
"$peregrine" bench push --mode "$mode" --target "$target" --duration "${duration}s" --warmup 0s "${push_tls[@]}" "$@" \
  | tee "$work/push.log" | grep -E '^bench push:' || true
end_ns=$(date +%s%N)
after=$(cpu_ticks "$tpid")
accepted=$(grep -oE 'accepted=[0-9]+' "$work/push.log" | tail -1 | cut -d= -f2)
elapsed=$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN {print (b-a)/1e9}')
heap=$(jcmd "$tpid" GC.heap_info 2>/dev/null | grep -E 'total [0-9]+K, used' | head -2 | tr -s ' ' | tr '\n' ';' || true)
echo "transfer: scenario=$scenario tls=${TLS_DIR:+mutual} cpu_seconds=$(awk -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN {printf "%.1f", (b-a)/hz}') \
us_per_sample=$(awk -v a="$before" -v b="$after" -v hz="$hz" -v n="${accepted:-0}" 'BEGIN {if (n>0) printf "%.2f", (b-a)/hz*1e6/n; else print "n/a"}') \
rss_mb=$(rss_mb "$tpid") wall_s=$elapsed"
echo "transfer heap: $heap"
[[ $scenario != receive-only ]] && tail -2 "$work/sink.log" || true
