package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.lifecycle.Lifecycle;
import io.peregrine.common.time.ManualClock;
import io.peregrine.hbs.HbsServer;
import io.peregrine.hbs.store.ActionRepository;
import io.peregrine.hbs.store.ActionRow;
import io.peregrine.hbs.store.ScheduleRepository;
import io.peregrine.hbs.store.ScheduleRow;
import io.peregrine.hbs.store.UserRepository;
import io.peregrine.hbs.store.UserRow;
import io.peregrine.sender.SenderServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An action that names an on-call schedule, from the sender through real gRPC to hbs: the user on call gets the
 * event, and after the hand-over (both clocks moved to it) the next user does, without waiting for the sender's
 * receiver cache to expire.
 */
class OnCallEndToEndTest {
  // Sunday 2026-11-22 10:00 UTC; the schedule hands over on Mondays at 09:00 Europe/Berlin (08:00 UTC in winter)
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant HAND_OVER = Instant.parse("2026-11-23T08:00:00Z");

  @TempDir Path dir;
  private final Lifecycle lifecycle = new Lifecycle("oncall-e2e");
  private final ManualClock clock = new ManualClock(NOW);
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);

  @AfterEach
  void stop() {
    lifecycle.close();
  }

  private static AlertEvent problem(String id, long actionId, long at) {
    EventStrategy s = new EventStrategy(3, "cpu.idle", Map.of(), "all(#3)", "<", 10, 3, 1, "note",
        new EventTemplate(4, "t", 0, actionId, "root"));
    return new AlertEvent(id, s, null, AlertEvent.PROBLEM, "web-01", 3, 1, at, Map.of(), 1, "cpu.idle",
        AlertEvent.keyOf(id, AlertEvent.PROBLEM, at, 1), List.of(3.0));
  }

  @Test
  void theUserOnCallIsToldAndAfterTheHandOverTheNextOne() throws Exception {
    PeregrineConfig config = Pipeline.loopbackConfig(dir, "oncall-e2e", Map.of());
    HbsServer hbs = lifecycle.start(new HbsServer(config.hbs(), clock));
    String table = hbs.database().userTable();
    long action = hbs.database().tx(h -> {
      UserRepository users = new UserRepository(table);
      users.create(h, new UserRow(0, "alice", "", "alice@example.com", "", ""));
      users.create(h, new UserRow(0, "bob", "", "bob@example.com", "", ""));
      new ScheduleRepository(table).create(h, new ScheduleRow(0, "primary", "Europe/Berlin", 1, 9 * 60,
          "2026-11-16", "", List.of("alice", "bob")));
      return new ActionRepository().create(h, new ActionRow(0, "primary", "", false, false, false, false, false));
    });
    config = new ConfigLoader().with(config, PeregrineConfig.class,
        Map.of("sender.hbsAddress", "127.0.0.1:" + hbs.grpcPort()));
    Pipeline.Console console = new Pipeline.Console();
    lifecycle.start(new SenderServer(config.sender(), queue, console.stream, clock));

    queue.publish(problem("s_3_oncall_before", action, NOW.getEpochSecond()));
    await().atMost(Duration.ofSeconds(20)).until(() -> console.text().contains("-> alice"));

    clock.setSeconds(HAND_OVER.getEpochSecond());
    queue.publish(problem("s_3_oncall_after", action, HAND_OVER.getEpochSecond()));
    await().atMost(Duration.ofSeconds(20)).until(() -> console.text().contains("-> bob"));

    List<String> lines = console.text().lines().filter(l -> l.contains(" -> ")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).endsWith("-> alice");
    assertThat(lines.get(1)).endsWith("-> bob");
  }
}
