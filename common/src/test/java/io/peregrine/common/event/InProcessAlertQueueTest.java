package io.peregrine.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.server.NamedExecutors;
import io.peregrine.common.testing.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessAlertQueueTest {
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private ThreadPoolExecutor executor;

  @AfterEach
  void stopExecutor() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private static AlertEvent event(String endpoint, int priority) {
    return TestEvents.problem(endpoint, priority, 1_700_000_000L);
  }

  private List<String> drainEndpoints() throws Exception {
    List<String> out = new ArrayList<>();
    for (AlertSource.Delivery d; (d = queue.take(Duration.ZERO)) != null; ) {
      out.add(d.event().endpoint());
    }
    return out;
  }

  @Test
  void takesTheMostUrgentPriorityFirst() throws Exception {
    queue.publish(event("p3", 3));
    queue.publish(event("p6", 6));
    queue.publish(event("p0", 0));
    queue.publish(event("p1", 1));
    assertThat(drainEndpoints()).containsExactly("p0", "p1", "p3", "p6");
  }

  @Test
  void keepsPublishOrderWithinAPriority() throws Exception {
    queue.publish(event("a", 2));
    queue.publish(event("urgent", 0));
    queue.publish(event("b", 2));
    queue.publish(event("c", 2));
    assertThat(drainEndpoints()).containsExactly("urgent", "a", "b", "c");
  }

  @Test
  void putsOutOfRangePrioritiesInTheNearestQueue() throws Exception {
    queue.publish(event("p9", 9));
    queue.publish(event("p5", 5));
    queue.publish(event("p-1", -1));
    assertThat(drainEndpoints()).containsExactly("p-1", "p5", "p9");
  }

  @Test
  void deliversTheEventWithItsStoredText() throws Exception {
    AlertEvent e = event("host1", 2);
    queue.publish(e);
    AlertSource.Delivery d = queue.take(Duration.ZERO);
    assertThat(d.event()).isEqualTo(e);
    assertThat(d.raw()).isEqualTo(AlertEventJson.write(e));
    assertThat(queue.size()).isZero();
  }

  @Test
  void refusesToPublishIntoAFullQueueAndKeepsTheOthersOpen() throws Exception {
    InProcessAlertQueue small = new InProcessAlertQueue(2);
    small.publish(event("a", 2));
    small.publish(event("b", 2));
    assertThatThrownBy(() -> small.publish(event("c", 2))).isInstanceOf(AlertQueueException.class)
        .hasMessageContaining("p2").hasMessageContaining("full").hasMessageContaining("2 events");
    small.publish(event("other", 3));
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.take(Duration.ZERO).event().endpoint()).isEqualTo("a");
    small.publish(event("c", 2));
    assertThat(small.size()).isEqualTo(3);
  }

  @Test
  void takeReturnsNullWhenNothingArrivesInTime() throws Exception {
    assertThat(queue.take(Duration.ZERO)).isNull();
    assertThat(queue.take(Duration.ofMillis(20))).isNull();
    assertThat(queue.poll(1, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void blockedTakeWakesUpOnPublish() throws Exception {
    executor = NamedExecutors.fixed("alert-taker", 1, 1, new ThreadPoolExecutor.AbortPolicy());
    AtomicReference<Thread> taker = new AtomicReference<>();
    Future<AlertSource.Delivery> result = executor.submit(() -> {
      taker.set(Thread.currentThread());
      return queue.take(Duration.ofMinutes(1));
    });
    await().atMost(Duration.ofSeconds(5))
        .until(() -> taker.get() != null && taker.get().getState() == Thread.State.TIMED_WAITING);
    assertThat(result).isNotDone();
    queue.publish(event("wake", 4));
    await().atMost(Duration.ofSeconds(5)).until(result::isDone);
    assertThat(result.get().event().endpoint()).isEqualTo("wake");
  }

  @Test
  void replayPutsDeadLettersBackOnTheirPriorityQueue() throws Exception {
    queue.publish(event("urgent", 0));
    AlertSource.Delivery taken = queue.take(Duration.ZERO);
    queue.deadLetter(taken, "gateway down");

    assertThat(queue.take(Duration.ZERO)).isNull();
    assertThat(queue.replayDeadLetters()).isEqualTo(1);

    assertThat(queue.deadLetters()).isEmpty();
    assertThat(queue.take(Duration.ZERO).event().endpoint()).isEqualTo("urgent");
  }

  @Test
  void keepsDeadLettersOldestFirst() throws Exception {
    queue.publish(event("a", 1));
    queue.publish(event("b", 1));
    AlertSource.Delivery a = queue.take(Duration.ZERO);
    AlertSource.Delivery b = queue.take(Duration.ZERO);
    queue.deadLetter(a, "webhook answered 500 three times");
    queue.deadLetter(b, "no receiver");
    assertThat(queue.deadLetters()).containsExactly(a.raw(), b.raw());
    assertThat(queue.deadLetterEntries()).extracting(InProcessAlertQueue.DeadLetter::reason)
        .containsExactly("webhook answered 500 three times", "no receiver");
    queue.ack(a); // no effect on dead letters
    assertThat(queue.deadLetters()).hasSize(2);
  }

  @Test
  void boundsDeadLettersDroppingTheOldest() throws Exception {
    for (int i = 0; i < 1_005; i++) {
      queue.deadLetter(new AlertSource.Delivery(null, "raw-" + i), "gave up");
    }
    List<String> kept = queue.deadLetters();
    assertThat(kept).hasSize(1_000);
    assertThat(kept.get(0)).isEqualTo("raw-5");
    assertThat(kept.get(999)).isEqualTo("raw-1004");
  }

  @Test
  void isAlwaysHealthy() {
    assertThat(queue.healthy()).isTrue();
  }

  @Test
  void rejectsANonPositiveCapacity() {
    assertThatThrownBy(() -> new InProcessAlertQueue(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity").hasMessageContaining("0");
  }
}
