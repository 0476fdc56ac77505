#!/usr/bin/env bash
# The gRPC leg of ../shared/bench/side-by-side.sh alone, with the CPU split by process and by thread:
# bench sink (graph + judge) <- transfer (the side-by-side's config and JVM flags) <- bench push --mode grpc-unary
# (its defaults: 4 connections x 8 calls in flight, batches of 100). Counts samples sent to both destinations from
# transfer_sent_samples, as the side-by-side does, over the whole bench push run (start-up and warm-up included).
#
#   bench/scripts/grpc-leg.sh [TREE] [seconds] [extra bench push options...]
#
# TRANSFER_OPTS adds JVM flags to transfer (e.g. -XX:StartFlightRecording=filename=/tmp/t.jfr,settings=profile).
# Free ports are used, so it can run beside the side-by-side (but not measure beside it: same 2 cores).
set -u
tree=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}; secs=${2:-20}; shift $(( $# >= 2 ? 2 : $# ))
w=$(mktemp -d); pids=(); trap 'kill ${pids[@]} 2>/dev/null; wait 2>/dev/null; rm -rf "$w"' EXIT
P=$tree/bin/peregrine; hz=$(getconf CLK_TCK)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
waitp() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 never opened"; exit 1; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
# per-thread ticks, "name ticks" lines, thread names with spaces joined by _
threads() { python3 - "$1" <<'PY'
import glob,sys
for f in glob.glob('/proc/%s/task/*/stat' % sys.argv[1]):
    try: s=open(f).read()
    except OSError: continue
    n=s[s.index('(')+1:s.rindex(')')].replace(' ','_'); x=s[s.rindex(')')+2:].split(); print(n, int(x[11])+int(x[12]))
PY
}
g=$(port); j=$(port); gp=$(port); hp=$(port)
JAVA_OPTS="-Xmx1g" "$P" bench sink --graph-listen 127.0.0.1:$g --judge-listen 127.0.0.1:$j --report-interval 60s \
  >"$w/sink.log" 2>&1 & spid=$!; pids+=($spid)
cat >"$w/t.yaml" <<YAML
transfer:
  grpcListen: 127.0.0.1:$gp
  httpListen: 127.0.0.1:$hp
  graphNodes: [graph-0=127.0.0.1:$g]
  judgeNodes: [judge-0=127.0.0.1:$j]
  queueDir: $w/queue
YAML
JAVA_OPTS="-Xms512m -Xmx2g -XX:+UseParallelGC ${TRANSFER_OPTS:-}" PEREGRINE_LOG_LEVEL=WARN "$P" transfer \
  --config "$w/t.yaml" >"$w/t.log" 2>&1 & pids+=($!)
waitp $g; waitp $j; waitp $hp; waitp $gp
tpid=$(pgrep -f "transfer --config $w/t.yaml" | tail -1); spid=$(pgrep -f "bench sink --graph-listen 127.0.0.1:$g" | tail -1)
sent() { curl -s http://127.0.0.1:$hp/metrics | grep '^transfer_sent_samples' | awk '{print $2}' | sort -g | head -1; }
# a first run warms transfer up (the side-by-side's transfer has served its HTTP leg before the gRPC one)
"$P" bench push --mode grpc-unary --target 127.0.0.1:$gp --duration 10s --warmup 0s "$@" >/dev/null 2>&1
echo "load before: $(cat /proc/loadavg)"
threads $tpid >"$w/tt0"; threads $spid >"$w/st0"
s0=$(sent); c0=$(cpu $tpid); k0=$(cpu $spid); t0=$(date +%s.%N)
"$P" bench push --mode grpc-unary --target 127.0.0.1:$gp --duration ${secs}s --warmup 3s "$@" >"$w/grpc.log" 2>&1 &
bpid=$!
sleep 6; threads $bpid >"$w/bt0"; sleep 5; threads $bpid >"$w/bt1"
wait $bpid
t1=$(date +%s.%N); s1=$(sent); c1=$(cpu $tpid); k1=$(cpu $spid)
threads $tpid >"$w/tt1"; threads $spid >"$w/st1"
echo "load after: $(cat /proc/loadavg)"
grep -E '^bench push:' "$w/grpc.log" | tail -1
python3 - "$w" "$s0" "$s1" "$t0" "$t1" "$c0" "$c1" "$k0" "$k1" "$hz" <<'PY'
import sys,collections
w,s0,s1,t0,t1,c0,c1,k0,k1,hz=sys.argv[1:]; r=float(s1)-float(s0); t=float(t1)-float(t0); hz=float(hz)
c=(float(c1)-float(c0))/hz; k=(float(k1)-float(k0))/hz
print('transfer-grpc: %.0f samples/s, CPU %.0f%%, %.2f CPU-us/sample; sink %.2f cores, %.2f us/sample' % (r/t, 100*c/t, 1e6*c/max(r,1), k/t, 1e6*k/max(r,1)))
def load(f):
    d=collections.Counter()
    for l in open(f):
        n,v=l.split(); d[n.rstrip('0123456789-#_')]+=int(v)
    return d
for who,a,b,span in (('transfer','tt0','tt1',t),('sink','st0','st1',t),('push (5 s sample)','bt0','bt1',5.0)):
    d=load(w+'/'+b); d.subtract(load(w+'/'+a))
    top=', '.join('%s %.2f' % (n, v/hz/span) for n,v in d.most_common(8) if v>0)
    print('  %s threads (cores): %s' % (who, top))
PY
