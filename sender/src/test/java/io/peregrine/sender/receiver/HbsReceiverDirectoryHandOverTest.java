package io.peregrine.sender.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.time.ManualClock;
import io.peregrine.proto.v1.Receiver;
import io.peregrine.proto.v1.Receivers;
import io.peregrine.sender.testing.FakeHbs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Answers that name an on-call schedule (over real gRPC from a fake hbs): served from the cache until hbs's next
 * hand-over ({@code valid_until}), asked again on the first lookup after it; names that reach nobody counted.
 */
class HbsReceiverDirectoryHandOverTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final ManualClock clock = new ManualClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Map<Long, Receivers> answers = new ConcurrentHashMap<>();
  private HbsReceiverDirectory directory;

  @AfterEach
  void stop() {
    if (directory != null) {
      directory.close();
    }
  }

  private static Receivers onCall(String who, long validUntilMs) {
    return Receivers.newBuilder().setActionId(7).setFound(true).setValidUntil(validUntilMs)
        .addReceivers(Receiver.newBuilder().setName(who).setEmail(who + "@example.com")).build();
  }

  private double problems() {
    var c = registry.find("sender.receiver.problems").counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void theFirstLookupAfterTheHandOverAsksHbsAgain() throws Exception {
    long handOver = NOW.plus(Duration.ofSeconds(30)).toEpochMilli();
    answers.put(7L, onCall("alice", handOver));
    try (FakeHbs hbs = new FakeHbs(Map.of(), answers)) {
      directory = new HbsReceiverDirectory(hbs.address(), Duration.ofMinutes(5), Duration.ofSeconds(2), clock,
          registry);
      directory.start();

      assertThat(directory.lookup(7).describe()).isEqualTo("alice");
      answers.put(7L, onCall("bob", handOver + 604_800_000L));
      clock.advance(Duration.ofSeconds(29));
      assertThat(directory.lookup(7).describe()).as("before the hand-over: cached").isEqualTo("alice");
      assertThat(hbs.calls()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(1)); // exactly at the hand-over
      assertThat(directory.lookup(7).describe()).isEqualTo("bob");
      assertThat(hbs.calls()).isEqualTo(2);
      assertThat(directory.lookup(7).describe()).isEqualTo("bob");
      assertThat(hbs.calls()).as("the new answer holds until its own hand-over").isEqualTo(2);
    }
  }

  @Test
  void aScheduleWithNobodyOnCallIsCountedForEveryEventAndExplained() throws Exception {
    answers.put(7L, Receivers.newBuilder().setActionId(7).setFound(true)
        .addProblems("schedule 'primary' has nobody on call at 2026-11-22T10:00:00Z (no users and no override)")
        .build());
    try (FakeHbs hbs = new FakeHbs(Map.of(), answers)) {
      directory = new HbsReceiverDirectory(hbs.address(), Duration.ofMinutes(5), Duration.ofSeconds(2), clock,
          registry);
      directory.start();

      Recipients r = directory.lookup(7);
      directory.lookup(7);

      assertThat(r.status()).isEqualTo(Recipients.Status.NONE);
      assertThat(r.detail()).isEqualTo("action 7 has no users: schedule 'primary' has nobody on call at "
          + "2026-11-22T10:00:00Z (no users and no override)");
      assertThat(problems()).isEqualTo(2);
    }
  }

  @Test
  void whenHbsIsAwayAtTheHandOverTheOldAnswerIsServedStale() throws Exception {
    long handOver = NOW.plus(Duration.ofSeconds(30)).toEpochMilli();
    answers.put(7L, onCall("alice", handOver));
    FakeHbs hbs = new FakeHbs(Map.of(), answers);
    directory = new HbsReceiverDirectory(hbs.address(), Duration.ofMinutes(5), Duration.ofMillis(500), clock,
        registry);
    directory.start();
    assertThat(directory.lookup(7).describe()).isEqualTo("alice");
    hbs.close();
    clock.advance(Duration.ofSeconds(31));

    Recipients r = directory.lookup(7);

    assertThat(r.status()).isEqualTo(Recipients.Status.STALE);
    assertThat(r.people()).extracting(Person::name).containsExactly("alice");
  }
}
