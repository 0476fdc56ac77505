package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.sender.testing.Configs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secrets given to sender (a Redis URL with a password the server refuses, an SMTP password from a file, IM signing
 * secrets, a token) appear neither in anything it logs while starting and failing to authenticate, nor in its
 * configuration dump, nor in what it prints on its console.
 */
class SecretsNotLoggedIT {
  private static final String REDIS_PW = "redis-secret-4711";
  private static final String SMTP_PW = "smtp-secret-0815";
  private static final String DING = "ding-secret-1234";
  private static final String TOKEN = "pgr_token_secret_9876";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private SenderServer sender;

  @TempDir
  Path dir;

  @BeforeEach
  void capture() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void release() {
    if (sender != null) {
      sender.close();
    }
    root.detachAppender(logs);
  }

  private String everythingLogged() {
    return logs.list.stream().map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? ""
        : e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void noSecretReachesTheLogsTheDumpOrTheConsole() throws Exception {
    Path smtp = Files.writeString(dir.resolve("smtp.pw"), SMTP_PW + "\n");
    // the machine's Redis has no password for the default user: AUTH with one is refused
    SenderConfig config = Configs.sender(Map.of(
        "redisUrl", "redis://:" + REDIS_PW + "@127.0.0.1:6379/0",
        "smtpHost", "127.0.0.1", "smtpUser", "alerts", "smtpPassword", "file:" + smtp,
        "dingtalkUrl", "https://oapi.dingtalk.com/robot/send?access_token=" + TOKEN, "dingtalkSecret", DING));
    ConfigLoader loader = new ConfigLoader();
    // file: is read when the config loads (Configs.sender goes through the loader's "with", so load again)
    SenderConfig loaded = loader.load(null, SenderConfig.class, config,
        Map.of("PEREGRINE_SENDER_SMTP_PASSWORD", "file:" + smtp));
    assertThat(loaded.smtpPassword()).isEqualTo(SMTP_PW);
    String dump = loader.toYaml(loaded);
    sender = new SenderServer(loaded, null, new PrintStream(printed, true, StandardCharsets.UTF_8));
    sender.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> everythingLogged().contains("Redis"));
    String all = everythingLogged() + "\n" + dump + "\n" + printed.toString(StandardCharsets.UTF_8);
    for (String secret : List.of(REDIS_PW, SMTP_PW, DING, TOKEN)) {
      assertThat(all).as("the secret %s", secret).doesNotContain(secret);
    }
    assertThat(dump).contains("smtpPassword: \"<redacted>\"", "dingtalkSecret: \"<redacted>\"",
        "access_token=<redacted>", "redis://:<redacted>@127.0.0.1:6379/0");
  }
}
