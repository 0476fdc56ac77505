package io.peregrine.sender.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.common.time.ManualClock;
import io.peregrine.sender.testing.FakeHbs;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Receivers over real gRPC from a fake hbs on a loopback port. */
class HbsReceiverDirectoryTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private HbsReceiverDirectory directory;

  @AfterEach
  void stop() {
    if (directory != null) {
      directory.close();
    }
  }

  private HbsReceiverDirectory start(String address) {
    directory = new HbsReceiverDirectory(address, Duration.ofSeconds(60), Duration.ofSeconds(2), clock, registry);
    directory.start();
    return directory;
  }

  private double lookups(String result) {
    var c = registry.find("sender.receiver.lookups").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  private double gauge(String name) {
    return registry.find(name).gauge().value();
  }

  @Test
  void carriesTheActionsCallbackAndItsFlagsEvenWithoutUsers() throws Exception {
    var answer = io.peregrine.proto.v1.Receivers.newBuilder().setActionId(5).setFound(true)
        .setCallbackUrl("http://127.0.0.1:9/cb").setBeforeCallbackSms(true).setAfterCallbackMail(true).build();
    try (FakeHbs hbs = new FakeHbs(java.util.Map.of(), java.util.Map.of(5L, answer))) {
      start(hbs.address());

      Recipients r = directory.lookup(5);
      assertThat(r.people()).isEmpty();
      assertThat(r.callback()).isEqualTo(new Callback("http://127.0.0.1:9/cb", true, false, false, true));
      assertThat(directory.lookup(9).callback()).isNull(); // unknown action: no callback
    }
  }

  @Test
  void asksHbsOncePerTtlAndRefreshesInTheBackground() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      start(hbs.address());

      Recipients first = directory.lookup(9);
      Recipients second = directory.lookup(9);
      clock.advance(Duration.ofSeconds(61));
      assertThat(gauge("sender.receivers.age.seconds")).isEqualTo(61);
      Recipients third = directory.lookup(9); // the old answer at once; hbs is asked again behind it

      assertThat(first.status()).isEqualTo(Recipients.Status.RESOLVED);
      assertThat(first.addresses(Person::phone)).containsExactly("13800000001", "13800000002");
      assertThat(first.addresses(Person::email)).containsExactly("alice@example.com");
      assertThat(second).isEqualTo(first);
      assertThat(third).isEqualTo(first);
      await().atMost(Duration.ofSeconds(5)).until(() -> hbs.calls() == 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> gauge("sender.receivers.age.seconds") == 0);
      assertThat(lookups("cached")).isEqualTo(2);
      assertThat(lookups("fetched")).isEqualTo(1);
    }
  }

  @Test
  void servesTheLastGoodAnswerWhileHbsIsDown() throws Exception {
    FakeHbs hbs = FakeHbs.withOnCallTeam();
    start(hbs.address());
    directory.lookup(9);
    hbs.close();
    clock.advance(Duration.ofMinutes(10));

    directory.lookup(9); // starts the refresh, which fails
    await().atMost(Duration.ofSeconds(10)).until(() -> directory.lookup(9).status() == Recipients.Status.STALE);
    Recipients stale = directory.lookup(9);

    assertThat(stale.people()).extracting(Person::name).containsExactly("alice", "bob");
    assertThat(stale.describe()).startsWith("alice, bob (stale: hbs 127.0.0.1:");
    assertThat(lookups("stale")).isPositive();
    assertThat(gauge("sender.receivers.age.seconds")).isEqualTo(600);
  }

  @Test
  void saysUnknownWhenHbsWasNeverReached() throws Exception {
    FakeHbs hbs = FakeHbs.withOnCallTeam();
    String address = hbs.address();
    hbs.close();
    start(address);

    Recipients r = directory.lookup(9);

    assertThat(r.status()).isEqualTo(Recipients.Status.UNKNOWN);
    assertThat(r.known()).isFalse();
    assertThat(r.detail()).contains("UNAVAILABLE");
    assertThat(lookups("unavailable")).isEqualTo(1);
  }

  @Test
  void answersNobodyForUnknownActionOrNone() throws Exception {
    try (FakeHbs hbs = FakeHbs.withOnCallTeam()) {
      start(hbs.address());

      assertThat(directory.lookup(77).status()).isEqualTo(Recipients.Status.NONE);
      assertThat(directory.lookup(0).status()).isEqualTo(Recipients.Status.NONE);
      assertThat(hbs.calls()).isEqualTo(1);
    }
  }
}
