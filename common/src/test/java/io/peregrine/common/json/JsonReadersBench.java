package io.peregrine.common.json;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.StringJoiner;

/**
 * CPU per sample of the two JSON paths of {@link OpenFalconWireJson} on the side-by-side's load shape (bodies of
 * 100 items as {@code ../shared/bench/push.lua} writes them), validation included, one thread, thread CPU time.
 * Not a test: run by hand, see docs/BENCHMARKS.md ("Transfer: the byte-level JSON reader"). Arguments: seconds per
 * round (5), then {@code fast} to run the byte-level reader alone (for a profile).
 */
public final class JsonReadersBench {
  private JsonReadersBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
    boolean[] paths = args.length > 1 && args[1].equals("fast") ? new boolean[] {true} : new boolean[] {true, false};
    long now = System.currentTimeMillis() / 1000;
    long ts = now - now % 60;
    String[] metrics = {"cpu.idle", "cpu.busy", "mem.memfree.percent", "load.1min", "disk.io.util", "net.if.in.bytes",
        "net.if.out.bytes", "df.bytes.free.percent", "ss.estab", "proc.num"};
    byte[][] bodies = new byte[100][];
    for (int k = 0; k < bodies.length; k++) {
      StringJoiner j = new StringJoiner(",", "[", "]");
      for (int i = 0; i < 100; i++) {
        int s = k * 100 + i;
        int e = s / 10;
        int m = s % 10;
        int ntags = 1 + (e + m + 1) % 3;
        String tags = "idc=dc" + e % 4 + (ntags >= 2 ? ",role=r" + e % 7 : "") + (ntags >= 3 ? ",svc=s" + (m + 1) : "");
        boolean counter = m == 5 || m == 6;
        String value = counter ? String.valueOf(s * 100000L + (s * 7) % 997)
            : String.format("%.2f", ((s * 7919L) % 10000) / 100.0);
        j.add(String.format("{\"endpoint\":\"load-host-%04d\",\"metric\":\"%s\",\"timestamp\":%d,\"step\":60,"
            + "\"value\":%s,\"counterType\":\"%s\",\"tags\":\"%s\"}", e, metrics[m], ts, value,
            counter ? "COUNTER" : "GAUGE", tags));
      }
      bodies[k] = j.toString().getBytes(StandardCharsets.UTF_8);
    }
    OpenFalconWireJson reader = new OpenFalconWireJson(Clock.systemUTC());
    long[] sink = new long[1];
    OpenFalconWireJson.SampleSink count = (h, b, o, l) -> sink[0] += h;
    for (int round = 0; round < 2; round++) {
      for (boolean fast : paths) {
        run(reader, bodies, count, fast, seconds / 2); // warm-up
        double us = run(reader, bodies, count, fast, seconds);
        System.out.printf("%s: %.3f CPU-us/sample%n", fast ? "byte-level reader" : "Jackson path", us);
      }
    }
    System.out.println("(checksum " + sink[0] + ")");
  }

  private static double run(OpenFalconWireJson reader, byte[][] bodies, OpenFalconWireJson.SampleSink sink,
      boolean fast, double seconds) throws MalformedBatchException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long samples = 0;
    while (System.nanoTime() < end) {
      for (byte[] body : bodies) {
        OpenFalconWireJson.Result r = fast ? reader.read(body, 0, body.length, sink)
            : reader.readWithJackson(body, 0, body.length, sink);
        samples += r.accepted();
      }
    }
    return (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / samples;
  }
}
