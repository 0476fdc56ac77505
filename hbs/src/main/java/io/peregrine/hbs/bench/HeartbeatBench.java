package io.peregrine.hbs.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.hbs.HbsConfig;
import io.peregrine.hbs.HbsServer;
import io.peregrine.hbs.auth.Secrets;
import io.peregrine.proto.v1.AgentConfig;
import io.peregrine.proto.v1.AgentHeartbeat;
import io.peregrine.proto.v1.HbsGrpc;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code peregrine bench hbs}: a real hbs (in this JVM, on the given database) with a synthetic fleet, and agents'
 * heartbeats sent over loopback gRPC at a fixed rate, open loop: each call's latency is measured from when it was due,
 * not from when it was sent, so a stalled server shows up in the percentiles instead of slowing the load down.
 * Every host heartbeats in turn (host i at i / rate), as a fleet on a fixed interval does.
 */
public final class HeartbeatBench {
  /** Calls in flight at most; beyond that the sender waits, and the wait counts in the latency. */
  static final int MAX_IN_FLIGHT = 512;

  public record Options(String jdbcUrl, String jdbcUser, String jdbcPassword, BenchFleet fleet, int rate,
      Duration duration, Duration warmup, Duration configRefresh) {
  }

  public record Result(long sent, long ok, long failed, double seconds, Histogram latency, long rowsWritten,
      double flushMeanMs, double flushMaxMs, long hostsSeen, int cachedConfigs, Map<Status.Code, Long> failures,
      long rebuilds, double rebuildMeanMs, double rebuildMaxMs, long checksSkipped) {
    public double rate() {
      return ok / seconds;
    }

    public String report() {
      return String.format("heartbeats: %d sent, %d ok, %d failed in %.1f s measured = %.0f/s%n"
              + "latency ms (from when due): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n"
              + "batched writes: %d host rows, flush mean %.1f ms, max %.1f ms; hosts with a heartbeat: %d; "
              + "agent configs cached: %d%n"
              + "failed calls by gRPC status: %s%n"
              + "strategy-set rebuilds (whole run, the start's included): %d, mean %.0f ms, max %.0f ms; "
              + "checks every hbs.configRefresh that found nothing changed: %d",
          sent, ok, failed, seconds, rate(), ms(0.50), ms(0.90), ms(0.99), ms(0.999), latency.getMaxValue() / 1e3,
          rowsWritten, flushMeanMs, flushMaxMs, hostsSeen, cachedConfigs, failures.isEmpty() ? "none" : failures,
          rebuilds, rebuildMeanMs, rebuildMaxMs, checksSkipped);
    }

    private double ms(double q) {
      return latency.getValueAtPercentile(q * 100) / 1e3;
    }
  }

  private HeartbeatBench() {}

  public static Result run(Options o) throws Exception {
    HbsConfig config = HbsConfig.defaults().withJdbc(o.jdbcUrl(), o.jdbcUser(), o.jdbcPassword())
        .withListen("127.0.0.1:0", "127.0.0.1:0").withAdmin(Secrets.newPassword(), "")
        .withConfigRefresh(o.configRefresh());
    try (HbsServer hbs = new HbsServer(config, Clock.systemUTC())) {
      hbs.start();
      long existing = hbs.database().tx(h -> h.createQuery("SELECT COUNT(*) FROM host").mapTo(Long.class).one());
      if (existing > 0) {
        throw new IllegalArgumentException("the bench needs an empty hbs database; this one has " + existing
            + " hosts");
      }
      o.fleet().write(hbs.database());
      hbs.refreshNow();
      ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + hbs.grpcPort());
      try {
        HbsGrpc.HbsFutureStub stub = HbsGrpc.newFutureStub(channel);
        AgentHeartbeat[] beats = new AgentHeartbeat[o.fleet().hosts()];
        for (int i = 0; i < beats.length; i++) {
          beats[i] = AgentHeartbeat.newBuilder().setHostname(BenchFleet.hostname(i))
              .setIp("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)).setAgentVersion("bench")
              .setPluginVersion("bench").build();
        }
        Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<Status.Code, LongAdder> statuses = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long total = (o.warmup().toNanos() + o.duration().toNanos()) * o.rate() / 1_000_000_000L;
        long start = System.nanoTime();
        long measureFrom = start + o.warmup().toNanos();
        long sent = 0;
        for (long i = 0; i < total; i++) {
          long due = start + i * 1_000_000_000L / o.rate();
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait); // pacing the load, not synchronising a test
          }
          inFlight.acquire();
          boolean measured = due >= measureFrom;
          sent += measured ? 1 : 0;
          Futures.addCallback(stub.heartbeat(beats[(int) (i % beats.length)]), new FutureCallback<AgentConfig>() {
            @Override
            public void onSuccess(AgentConfig result) {
              inFlight.release();
              if (measured) {
                latency.recordValue(Math.max(0, (System.nanoTime() - due) / 1_000));
                ok.incrementAndGet();
              }
            }

            @Override
            public void onFailure(Throwable t) {
              inFlight.release();
              if (measured) {
                failed.incrementAndGet();
                statuses.computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new LongAdder()).increment();
              }
            }
          }, MoreExecutors.directExecutor());
        }
        inFlight.acquire(MAX_IN_FLIGHT); // every call answered
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        hbs.flushHeartbeats();
        Timer flush = hbs.registry().find("hbs.heartbeat.flush").timer();
        Counter rows = hbs.registry().find("hbs.heartbeat.rows.written").counter();
        long seen = hbs.database().tx(h -> h.createQuery("SELECT COUNT(*) FROM host WHERE update_at IS NOT NULL")
            .mapTo(Long.class).one());
        Timer rebuild = hbs.registry().find("hbs.config.refresh").timer();
        int cached = (int) hbs.registry().find("hbs.agent.configs.cached").gauge().value();
        return new Result(sent, ok.get(), failed.get(), seconds, latency, rows == null ? 0 : (long) rows.count(),
            flush == null ? 0 : flush.mean(TimeUnit.MILLISECONDS), flush == null ? 0 : flush.max(TimeUnit.MILLISECONDS),
            seen, cached, counts(statuses), rebuild == null ? 0 : rebuild.count(),
            rebuild == null ? 0 : rebuild.mean(TimeUnit.MILLISECONDS),
            rebuild == null ? 0 : rebuild.max(TimeUnit.MILLISECONDS),
            (long) hbs.registry().find("hbs.config.refresh.skipped").counter().count());
      } finally {
        GrpcChannels.close(channel);
      }
    }
  }

  private static Map<Status.Code, Long> counts(Map<Status.Code, LongAdder> statuses) {
    Map<Status.Code, Long> out = new TreeMap<>();
    statuses.forEach((code, n) -> out.put(code, n.sum()));
    return out;
  }
}
