package io.peregrine.hbs.bench;

import io.grpc.ManagedChannel;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.hbs.HbsConfig;
import io.peregrine.hbs.HbsServer;
import io.peregrine.hbs.auth.Secrets;
import io.peregrine.proto.v1.HbsGrpc;
import io.peregrine.proto.v1.StrategiesRequest;
import io.peregrine.proto.v1.StrategySet;
import java.time.Clock;
import java.util.Arrays;

/**
 * {@code peregrine bench hbs --resolve}: how long hbs takes to turn its tables into the strategy set (SQL read,
 * template inheritance, the protobuf message) and how long a judge waits for the whole set over loopback gRPC.
 * Each is run {@code rounds} times after one warm-up; the median and the worst are reported.
 */
public final class ResolutionBench {
  public record Result(int hosts, int strategiesPerHost, long hostStrategies, int bytes, double rebuildMedianMs,
      double rebuildMaxMs, double fetchMedianMs, double fetchMaxMs) {
    public String report() {
      return String.format("strategy set: %d hosts x %d strategies = %d (%.1f MiB)%n"
              + "rebuild (SQL + resolve + message): median %.0f ms, max %.0f ms%n"
              + "GetStrategies to a judge over loopback gRPC (whole set, parsed): median %.0f ms, max %.0f ms",
          hosts, strategiesPerHost, hostStrategies, bytes / 1048576.0, rebuildMedianMs, rebuildMaxMs,
          fetchMedianMs, fetchMaxMs);
    }
  }

  private ResolutionBench() {}

  public static Result run(String jdbcUrl, String user, String password, BenchFleet fleet, int rounds)
      throws Exception {
    HbsConfig config = HbsConfig.defaults().withJdbc(jdbcUrl, user, password).withListen("127.0.0.1:0", "127.0.0.1:0")
        .withAdmin(Secrets.newPassword(), "");
    try (HbsServer hbs = new HbsServer(config, Clock.systemUTC())) {
      hbs.start();
      long existing = hbs.database().tx(h -> h.createQuery("SELECT COUNT(*) FROM host").mapTo(Long.class).one());
      if (existing > 0) {
        throw new IllegalArgumentException("the bench needs an empty hbs database; this one has " + existing
            + " hosts");
      }
      fleet.write(hbs.database());
      hbs.refreshNow();
      double[] rebuild = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        hbs.refreshNow();
        rebuild[i] = (System.nanoTime() - t0) / 1e6;
      }
      ManagedChannel channel = GrpcChannels.forAddress("127.0.0.1:" + hbs.grpcPort());
      try {
        HbsGrpc.HbsBlockingStub stub = HbsGrpc.newBlockingStub(channel).withMaxInboundMessageSize(64 << 20);
        StrategySet set = stub.getStrategies(StrategiesRequest.getDefaultInstance());
        double[] fetch = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          long t0 = System.nanoTime();
          set = stub.getStrategies(StrategiesRequest.getDefaultInstance());
          fetch[i] = (System.nanoTime() - t0) / 1e6;
        }
        long total = set.getHostsList().stream().mapToLong(hs -> hs.getStrategiesCount()).sum();
        return new Result(set.getHostsCount(), set.getHostsCount() == 0 ? 0 : (int) (total / set.getHostsCount()),
            total, set.getSerializedSize(), median(rebuild), max(rebuild), median(fetch), max(fetch));
      } finally {
        GrpcChannels.close(channel);
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }
}
