package io.peregrine.dist.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** The console in a real Chromium against the real all-in-one pipeline. */
class ConsoleBrowserTest {
  @TempDir static Path dir;
  static ConsoleHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new ConsoleHarness(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void logsInAndThisHostIsInHosts() throws Exception {
    assertThat(h.console.text()).contains("console at " + h.url());
    h.login("admin", ConsoleHarness.ADMIN_PASSWORD);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      h.open("hosts?q=" + h.hostname + "&t=" + System.nanoTime());
      h.waitFor("#hosts-summary");
      return !h.driver.findElements(By.linkText(h.hostname)).isEmpty();
    });
    h.screenshot("hosts");
  }
}
