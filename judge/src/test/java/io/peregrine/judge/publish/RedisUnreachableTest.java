package io.peregrine.judge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.judge.testing.Events;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Redis at a port nothing listens on (1): needs no Redis, so it is a unit test. */
class RedisUnreachableTest {
  /** Delegates to whichever publisher is current, as if Redis came back. */
  static final class Switchable implements AlertPublisher {
    volatile AlertPublisher current;

    Switchable(AlertPublisher first) {
      current = first;
    }

    @Override
    public void publish(AlertEvent event) throws AlertQueueException {
      current.publish(event);
    }

    @Override
    public boolean healthy() {
      return current.healthy();
    }
  }

  @Test
  void publishFailsWithTheUriAndQueueInTheMessage() {
    try (RedisAlertPublisher redis = new RedisAlertPublisher("redis://127.0.0.1:1/0", "t:")) {
      redis.start();
      assertThat(redis.healthy()).isFalse();
      assertThatThrownBy(() -> redis.publish(Events.problem("x", 3)))
          .isInstanceOf(AlertQueueException.class)
          .hasMessageContaining("redis://127.0.0.1:1/0")
          .hasMessageContaining("queue t:event:p3");
    }
  }

  @Test
  void unreachableRedisCountsFailuresKeepsTheEventAndDeliversItLater() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisAlertPublisher redis = new RedisAlertPublisher("redis://127.0.0.1:1", "t:")) {
      redis.start();
      Switchable publisher = new Switchable(redis);
      PendingAlerts pending = new PendingAlerts(publisher, redis.describe(), 10, Duration.ofSeconds(2), registry);
      try {
        pending.start();
        assertThat(pending.offer(Events.problem("kept", 3))).isTrue();
        await().atMost(Duration.ofSeconds(20))
            .until(() -> registry.counter("judge.alerts.publish.failures").count() >= 2);
        assertThat(pending.size()).isEqualTo(1);
        assertThat(registry.counter("judge.alerts.dropped", "reason", "pending_full").count()).isZero();

        InProcessAlertQueue queue = new InProcessAlertQueue(10);
        publisher.current = queue;
        var delivery = queue.poll(20, TimeUnit.SECONDS);
        assertThat(delivery).isNotNull();
        assertThat(delivery.event().id()).isEqualTo("kept");
        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 0);
      } finally {
        pending.close();
      }
    }
  }

  @Test
  void refusesUrlsThatAreNotRedisAndHidesPasswords() {
    assertThatThrownBy(() -> RedisAlertPublisher.checkUrl("judge.redisUrl", "http://x"))
        .hasMessageContaining("judge.redisUrl");
    assertThat(RedisAlertPublisher.redact("redis://:secret@host:6379/0")).isEqualTo("redis://***@host:6379/0");
    assertThat(RedisAlertPublisher.redact("redis://host:6379/0")).isEqualTo("redis://host:6379/0");
  }
}
