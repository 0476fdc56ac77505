#!/usr/bin/env python3
# Groups a JFR recording of transfer by pipeline stage: `jfr print --json --events jdk.ExecutionSample rec.jfr > exec.json`,
# the same for jdk.ObjectAllocationSample > alloc.json, then `jfr-stages.py exec.json alloc.json`.
import json,collections,sys
def frames(ev):
    st=ev['values']['stackTrace']
    if not st: return []
    return [f['method']['type']['name']+'.'+f['method']['name'] for f in st['frames']]
rules=[('ingest: protobuf parse of the request',['parsePartialFrom','.parseFrom']),
 ('forward: build + serialize batches, blocking call',['NodeSender.deliver','NodeSender.run']),
 ('validate (incl. rebuilding samples whose timestamp was 0)',['SampleValidator']),
 ('route: series hash + ring lookup',['SeriesKey.hash','HashRing']),
 ('route: queue offer',['NodeSender.offer']),
 ('ingest: building the response',['PushResponse']),
 ('forward: serialize outgoing batches (protobuf)',['writeTo','CodedOutputStream','encodedLength','getSerializedSize','Utf8$']),
 ('forward: copying samples into batches (ArrayList/addAll)',['ArrayList','Arrays.copyOf','ImmutableCollections']),
 ('buffers (Netty pooled allocator)',['PoolSubpage','PoolArena','PooledByteBuf'])]
def classify(fr):
    for name,keys in rules:
        if any(any(k in f for k in keys) for f in fr): return name
    if any('io.grpc' in f or 'io.netty' in f for f in fr): return 'gRPC/Netty transport (HTTP/2, framing, event loop)'
    return 'other: '+(fr[0] if fr else '?')
ev=json.load(open(sys.argv[1]))['recording']['events']
c=collections.Counter(classify(frames(e)) for e in ev)
n=sum(c.values())
for k,v in c.most_common(12): print(f"{v/n*100:5.1f}% {k}")
print("execution samples",n)
al=json.load(open(sys.argv[2]))['recording']['events']
a=collections.Counter(); s=collections.Counter()
for e in al:
    w=e['values']['weight']; a[e['values']['objectClass']['name']]+=w; s[classify(frames(e))]+=w
t=sum(a.values())
print("allocation (sampled weight) total MB", t/1e6)
for k,v in a.most_common(8): print(f"{v/t*100:5.1f}% {k}")
print("-- by stage")
for k,v in s.most_common(8): print(f"{v/t*100:5.1f}% {k}")
