package io.peregrine.common.config;

import java.time.Duration;
import java.util.List;

/**
 * A small config tree shaped like the modules' records (sections, a nested record, Durations, a list, ints,
 * strings, validation in compact constructors), so ConfigLoader is tested without depending on any module.
 */
record DemoConfig(DemoConfig.Server server, DemoConfig.Store store) {
  DemoConfig {
    if (server == null || store == null) {
      throw new IllegalArgumentException("server and store sections are required");
    }
  }

  static DemoConfig defaults() {
    return new DemoConfig(new Server("0.0.0.0:6070", 4, Duration.ofSeconds(10), List.of()),
        new Store("./data", new Retention(Duration.ofMinutes(5), 7)));
  }

  record Server(String grpcListen, int workerThreads, Duration flushInterval, List<String> peers) {
    Server {
      Checks.address("server.grpcListen", grpcListen);
      Checks.inRange("server.workerThreads", workerThreads, 1, 256);
      Checks.positive("server.flushInterval", flushInterval);
      peers = List.copyOf(Checks.addresses("server.peers", peers));
    }
  }

  record Store(String dataDir, Retention retention) {
    Store {
      Checks.notBlank("store.dataDir", dataDir);
      if (retention == null) {
        throw new IllegalArgumentException("store.retention is required");
      }
    }
  }

  record Retention(Duration raw, int days) {
    Retention {
      Checks.positive("store.retention.raw", raw);
      Checks.positive("store.retention.days", days);
    }
  }
}
