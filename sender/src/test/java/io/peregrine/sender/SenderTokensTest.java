package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.common.auth.AuthConfig;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.testing.StubHbsAuth;
import io.peregrine.sender.testing.Configs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** sender.auth.required: the dead letters (list, replay, drop) want scope admin; /health stays open. */
class SenderTokensTest {
  private StubHbsAuth hbs;
  private SenderServer sender;

  @BeforeEach
  void start() throws Exception {
    hbs = new StubHbsAuth();
    SenderConfig config = Configs.sender(Map.of()).withAuth(AuthConfig.required(hbs.url()));
    sender = new SenderServer(config, new InProcessAlertQueue(100),
        new PrintStream(new ByteArrayOutputStream(), true));
    sender.start();
  }

  @AfterEach
  void stop() {
    sender.close();
    hbs.close();
  }

  private int status(String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sender.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void deadLettersWantAdmin() throws Exception {
    assertThat(status("GET", "/api/v1/dead-letters", null)).isEqualTo(401);
    assertThat(status("GET", "/api/v1/dead-letters", StubHbsAuth.WRITE)).isEqualTo(403);
    assertThat(status("POST", "/api/v1/dead-letters/replay", StubHbsAuth.READ)).isEqualTo(403);
    assertThat(status("DELETE", "/api/v1/dead-letters?all=true", "pgr_unknown")).isEqualTo(401);
    assertThat(status("GET", "/api/v1/dead-letters", StubHbsAuth.ADMIN)).isEqualTo(200);
    assertThat(status("GET", "/health", null)).isNotIn(401, 403);
    assertThat(status("GET", "/metrics", null)).isEqualTo(200);
  }
}
