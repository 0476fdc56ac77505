package io.peregrine.sender.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertQueueException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A Redis that is not there: start survives, calls fail fast with the server's name, and are counted. */
class RedisAlertSourceUnreachableTest {
  @Test
  void startsAndFailsCallsWithServerNameWhenRedisIsDown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free now, and nothing listens on it after the close
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisAlertSource source = new RedisAlertSource("redis://127.0.0.1:" + port + "/0", "", "c1", 10, registry,
        Clock.systemUTC())) {
      source.start();

      assertThatThrownBy(() -> source.take(Duration.ofMillis(10)))
          .isInstanceOf(AlertQueueException.class)
          .hasMessageContaining("redis://127.0.0.1:" + port + "/0");
      assertThat(source.healthy()).isFalse();
      assertThat(registry.counter("sender.redis.errors", "op", "connect").count()).isGreaterThanOrEqualTo(1);
    }
  }
}
