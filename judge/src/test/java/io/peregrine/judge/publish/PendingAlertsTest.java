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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /**
   * Records which ids are inside a call right now; its first call returns only once a second one has started (or
   * after 10 s), so the test sees two calls in flight.
   */
  static final class OverlappingPublisher implements BatchAlertPublisher {
    final CountDownLatch twoCalls = new CountDownLatch(2);
    final Set<String> inCall = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger mostConcurrent = new AtomicInteger();
    final List<String> sharedIds = new CopyOnWriteArrayList<>();
    final Map<String, List<Integer>> stepsById = new ConcurrentHashMap<>();

    @Override
    public void publishAll(List<AlertEvent> events) throws AlertQueueException {
      start(events).await();
    }

    /** Sends at once (records the ids and steps in sending order); the answer comes when waited for. */
    @Override
    public Call start(List<AlertEvent> events) {
      mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      for (AlertEvent e : events) {
        if (!inCall.add(e.id())) {
          sharedIds.add(e.id());
        }
        stepsById.computeIfAbsent(e.id(), k -> new CopyOnWriteArrayList<>()).add(e.currentStep());
      }
      twoCalls.countDown();
      boolean first = calls.incrementAndGet() == 1;
      return () -> {
        if (first) {
          try {
            twoCalls.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
        events.forEach(e -> inCall.remove(e.id()));
        concurrent.decrementAndGet();
      };
    }

    @Override
    public boolean healthy() {
      return true;
    }
  }

  @Test
  void twoCallsGoInFlightAndNeverShareAnIdAndEachIdKeepsItsOrder() {
    OverlappingPublisher overlapping = new OverlappingPublisher();
    pending = new PendingAlerts(overlapping, "overlapping", 10_000, Duration.ofSeconds(2), registry);
    for (int step = 1; step <= 5; step++) {
      for (int id = 0; id < 300; id++) {
        AlertEvent p = Events.problem("e" + id, 2);
        assertThat(pending.offer(new AlertEvent(p.id(), p.strategy(), null, p.status(), p.endpoint(), p.leftValue(),
            step, p.eventTime(), p.pushedTags(), p.priority(), p.metric(), p.eventKey() + "/" + step, p.values())))
            .isTrue();
      }
    }
    pending.start(); // 1,500 events waiting: batches of 256, cut where an id repeats or is in flight
    await().atMost(Duration.ofSeconds(20)).until(() -> pending.size() == 0);
    assertThat(overlapping.mostConcurrent.get()).as("calls in flight at once").isEqualTo(PendingAlerts.CALLS_IN_FLIGHT);
    assertThat(overlapping.sharedIds).as("ids in two calls at once").isEmpty();
    List<Integer> inOrder = List.of(1, 2, 3, 4, 5);
    for (int id = 0; id < 300; id++) {
      assertThat(overlapping.stepsById.get("e" + id)).as("e%d, each step once and in order", id)
          .containsExactlyElementsOf(inOrder);
    }
    assertThat(count("judge.alerts.published", null)).isEqualTo(1500);
  }

  @Test
  void backoffDoublesUpToTheCap() {
    assertThat(PendingAlerts.backoffMillis(1)).isEqualTo(100);
    assertThat(PendingAlerts.backoffMillis(2)).isEqualTo(200);
    assertThat(PendingAlerts.backoffMillis(4)).isEqualTo(800);
    assertThat(PendingAlerts.backoffMillis(100)).isEqualTo(PendingAlerts.MAX_BACKOFF.toMillis());
  }
}
