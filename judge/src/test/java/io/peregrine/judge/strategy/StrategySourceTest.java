package io.peregrine.judge.strategy;

import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.Strategies;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StrategySourceTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private FakeHbs hbs;
  private StrategySource source;

  @AfterEach
  void tearDown() throws Exception {
    if (source != null) {
      source.close();
    }
    if (hbs != null) {
      hbs.close();
    }
  }

  private double failures() {
    return registry.counter("judge.strategy.refresh.failures").count();
  }

  @Test
  void loadsAtStartThenKeepsTheSetWhileHbsSaysUnchanged() throws Exception {
    hbs = new FakeHbs(Strategies.set(3, "host1", strategy(7, "cpu.idle", "all(#3)", "<", 10)));
    source = new StrategySource(hbs.address(), Duration.ofMillis(50), 11, registry);
    source.start();
    await().atMost(Duration.ofSeconds(10)).until(source::loaded);
    StrategyIndex first = source.get();
    assertThat(first.version()).isEqualTo(3);
    assertThat(first.strategies("host1", "cpu.idle")).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> hbs.unchangedAnswers() >= 2);
    assertThat(source.get()).as("an unchanged answer keeps the same index").isSameAs(first);

    hbs.set(Strategies.set(4, "host2", strategy(8, "load.1min", "all(#1)", ">", 9)));
    await().atMost(Duration.ofSeconds(10)).until(() -> source.get().version() == 4);
    assertThat(source.get().strategies("host1", "cpu.idle")).isEmpty();
    assertThat(source.get().strategies("host2", "load.1min")).hasSize(1);
    assertThat(registry.get("judge.strategy.version").gauge().value()).isEqualTo(4);
  }

  @Test
  void keepsTheLastGoodSetWhileHbsFails() throws Exception {
    hbs = new FakeHbs(Strategies.set(3, "host1", strategy(7, "cpu.idle", "all(#3)", "<", 10)));
    source = new StrategySource(hbs.address(), Duration.ofMillis(50), 11, registry);
    source.start();
    await().atMost(Duration.ofSeconds(10)).until(source::loaded);
    Logger logger = (Logger) LoggerFactory.getLogger(StrategySource.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      hbs.failing(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 3);
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().contains("cannot pull strategies"))
        .as("logged once per outage").hasSize(1)
        .first().extracting(e -> e.getFormattedMessage()).asString().contains("keeping strategy set version 3");
    assertThat(source.get().version()).isEqualTo(3);
    assertThat(source.get().strategies("host1", "cpu.idle")).hasSize(1);
    assertThat(source.loaded()).isTrue();
  }

  @Test
  void startsWithoutHbsAndLoadsOnceItAppears() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    source = new StrategySource("127.0.0.1:" + port, Duration.ofMillis(50), 11, registry);
    source.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 2);
    assertThat(source.loaded()).isFalse();
    assertThat(source.get().strategies("host1", "cpu.idle")).isEmpty();

    hbs = new FakeHbs(Strategies.set(3, "host1", strategy(7, "cpu.idle", "all(#3)", "<", 10)), port);
    await().atMost(Duration.ofSeconds(30)).until(source::loaded);
    assertThat(source.get().strategies("host1", "cpu.idle")).hasSize(1);
  }
}
