package io.peregrine.judge.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.event.AlertQueueException;
import io.peregrine.judge.testing.Events;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingAlertsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FlakyPublisher publisher = new FlakyPublisher();
  private PendingAlerts pending;

  /** Fails while {@code failuresLeft} is positive, then records what it is given. */
  static final class FlakyPublisher implements AlertPublisher {
    final AtomicInteger failuresLeft = new AtomicInteger();
    final List<String> published = new CopyOnWriteArrayList<>();

    @Override
    public void publish(AlertEvent event) throws AlertQueueException {
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new AlertQueueException("flaky queue is down", null);
      }
      published.add(event.id());
    }

    @Override
    public boolean healthy() {
      return failuresLeft.get() == 0;
    }
  }

  @AfterEach
  void tearDown() {
    if (pending != null) {
      pending.close();
    }
  }

  private double count(String name, String reason) {
    return reason == null ? registry.counter(name).count() : registry.counter(name, "reason", reason).count();
  }

  @Test
  void retriesFailuresAndKeepsTheOrder() {
    publisher.failuresLeft.set(3);
    pending = new PendingAlerts(publisher, "flaky", 10, Duration.ofSeconds(2), registry);
    pending.start();
    for (int i = 0; i < 5; i++) {
      assertThat(pending.offer(Events.problem("e" + i, 2))).isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published.size() == 5);
    assertThat(publisher.published).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(count("judge.alerts.publish.failures", null)).isEqualTo(3);
    assertThat(count("judge.alerts.published", null)).isEqualTo(5);
    assertThat(pending.size()).isZero();
  }

  @Test
  void dropsAndCountsOnlyWhenTheBufferIsFull() {
    publisher.failuresLeft.set(Integer.MAX_VALUE);
    pending = new PendingAlerts(publisher, "flaky", 2, Duration.ofMillis(100), registry);
    // not started: nothing drains, so the capacity is exact
    assertThat(pending.offer(Events.problem("a", 1))).isTrue();
    assertThat(pending.offer(Events.problem("b", 1))).isTrue();
    assertThat(pending.offer(Events.problem("c", 1))).isFalse();
    assertThat(count("judge.alerts.dropped", "pending_full")).isEqualTo(1);
    assertThat(pending.size()).isEqualTo(2);
  }

  @Test
  void closeFlushesWithinTheDeadlineAndCountsWhatRemained() {
    publisher.failuresLeft.set(Integer.MAX_VALUE);
    pending = new PendingAlerts(publisher, "flaky", 10, Duration.ofMillis(300), registry);
    pending.start();
    pending.offer(Events.problem("a", 1));
    pending.offer(Events.problem("b", 1));
    await().atMost(Duration.ofSeconds(10)).until(() -> count("judge.alerts.publish.failures", null) >= 1);
    pending.close();
    assertThat(count("judge.alerts.dropped", "shutdown")).isEqualTo(2);
    assertThat(pending.offer(Events.problem("late", 1))).isFalse();
    assertThat(count("judge.alerts.dropped", "closed")).isEqualTo(1);
  }

  @Test
  void closePublishesWhatIsPendingWhenThePublisherWorks() {
    pending = new PendingAlerts(publisher, "flaky", 10, Duration.ofSeconds(5), registry);
    for (int i = 0; i < 3; i++) {
      pending.offer(Events.problem("e" + i, 2));
    }
    pending.start();
    pending.close();
    assertThat(publisher.published).containsExactly("e0", "e1", "e2");
    assertThat(count("judge.alerts.dropped", "shutdown")).isZero();
  }

  @Test
  void backoffDoublesUpToTheCap() {
    assertThat(PendingAlerts.backoffMillis(1)).isEqualTo(100);
    assertThat(PendingAlerts.backoffMillis(2)).isEqualTo(200);
    assertThat(PendingAlerts.backoffMillis(4)).isEqualTo(800);
    assertThat(PendingAlerts.backoffMillis(100)).isEqualTo(PendingAlerts.MAX_BACKOFF.toMillis());
  }
}
