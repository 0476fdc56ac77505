package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peregrine.common.config.ConfigException;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.sender.testing.Configs;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SenderConfigTest {
  @Test
  void defaultsRunWithConsoleOnlyAndHbsOnLocalhost() {
    SenderConfig c = SenderConfig.defaults();

    assertThat(c.httpListen()).isEqualTo("127.0.0.1:6066");
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.hbsAddress()).isEqualTo("127.0.0.1:6030");
    assertThat(c.workers()).isEqualTo(2);
    assertThat(c.retryDeadline()).isEqualTo(Duration.ofHours(6));
    assertThat(c.retryDeadlineOk()).isEqualTo(Duration.ofHours(1));
    assertThat(c.mergeFromPriority()).isEqualTo(3);
    assertThat(c.mergeWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.console()).isTrue();
    assertThat(c.webhookUrl()).isEmpty();
  }

  @Test
  void loadsFromEnvironmentThroughTheSharedLoader() {
    SenderConfig c = new ConfigLoader().load(null, SenderConfig.class, SenderConfig.defaults(), Map.of(
        "PEREGRINE_WORKERS", "4", "PEREGRINE_RETRY_BACKOFF", "250ms", "PEREGRINE_SMTP_START_TLS", "true",
        "PEREGRINE_REDIS_URL", "redis://127.0.0.1:6379/2"));

    assertThat(c.workers()).isEqualTo(4);
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.smtpStartTls()).isTrue();
    assertThat(c.redisUrl()).isEqualTo("redis://127.0.0.1:6379/2");
  }

  @Test
  void rejectsValuesNamingTheKey() {
    assertThatThrownBy(() -> Configs.sender(Map.of("webhookUrl", "ftp://x/hook")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.webhookUrl");
    assertThatThrownBy(() -> Configs.sender(Map.of("retryDeadline", Duration.ZERO)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.retryDeadline");
    assertThatThrownBy(() -> Configs.sender(Map.of("deliveryClaimTtl", Duration.ofHours(2))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.deliveryClaimTtl");
    assertThatThrownBy(() -> Configs.sender(Map.of("mergeGroupBy", java.util.List.of("host"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.mergeGroupBy");
    assertThatThrownBy(() -> Configs.sender(Map.of("timeZone", "Mars/Olympus")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.timeZone");
    assertThatThrownBy(() -> Configs.sender(Map.of("redisUrl", "nonsense://")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.redisUrl");
    assertThatThrownBy(() -> Configs.sender(Map.of("retryBackoff", Duration.ofMinutes(2))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.retryBackoffMax");
  }

  @Test
  void refusesConfigWithoutAnyChannel() {
    assertThatThrownBy(() -> Configs.sender(Map.of("console", false)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no channel");
  }

  @Test
  void refusesToBuildWithoutSourceOrRedisUrl() {
    assertThatThrownBy(() -> new SenderServer(Configs.sender(Map.of()), null, System.out))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sender.redisUrl");
  }
}
