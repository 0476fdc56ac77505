package io.peregrine.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.common.event.AlertEventJson;
import io.peregrine.common.testing.TcpProxy;
import io.peregrine.sender.testing.Configs;
import io.peregrine.sender.testing.RecordingHttpServer;
import io.peregrine.sender.testing.TestEvents;
import io.peregrine.sender.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender end to end: Open-Falcon's event JSON LPUSHed into the machine's Redis, out on the console. */
class SenderRedisIT {
  private final TestRedis redis = new TestRedis();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    redis.close();
  }

  private void start(Map<String, Object> extra) throws Exception {
    Map<String, Object> keys = new HashMap<>(Map.of("redisUrl", TestRedis.URL, "redisKeyPrefix", redis.prefix(),
        "consumerId", "it-sender"));
    keys.putAll(extra);
    sender = new SenderServer(Configs.sender(keys), null, console);
    sender.start();
  }

  private String key(String name) {
    return redis.prefix() + name;
  }

  @Test
  void deliversOpenFalconEventFromRedisAndLeavesNothingBehind() throws Exception {
    start(Map.of());

    redis.redis().lpush(key("event:p1"), TestEvents.OPEN_FALCON_JSON);

    await().atMost(Duration.ofSeconds(10)).until(() -> printed.toString(StandardCharsets.UTF_8).contains(
        "[P2][PROBLEM][host1][][cpu almost busy all(#3) cpu.idle  1.5<5][O2 2023-11-14 22:13:20] -> (nobody:"));
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:processing:it-sender")) == 0);
    assertThat(redis.redis().llen(key("event:p1"))).isZero();
    assertThat(redis.redis().llen(key("event:dead"))).isZero();
    assertThat(sender.source().healthy()).isTrue();
  }

  @Test
  void ridesOutRedisOutageWithoutLosingEvents() throws Exception {
    try (TcpProxy proxy = new TcpProxy(6379)) {
      start(Map.of("redisUrl", "redis://127.0.0.1:" + proxy.port() + "/0"));
      redis.redis().lpush(key("event:p0"), AlertEventJson.write(TestEvents.problem("s_9_before", 0, 0, 1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> printed.toString(StandardCharsets.UTF_8).contains("[P0]"));

      proxy.cut();
      redis.redis().lpush(key("event:p0"), AlertEventJson.write(TestEvents.problem("s_9_during", 1, 0, 1)));
      await().atMost(Duration.ofSeconds(10)).until(() -> !sender.source().healthy());
      await().atMost(Duration.ofSeconds(10)).until(() -> errors("take") > 0);
      assertThat(redis.redis().llen(key("event:p0"))).isEqualTo(1);

      proxy.restore();

      await().atMost(Duration.ofSeconds(30)).until(() -> printed.toString(StandardCharsets.UTF_8).contains("[P1]"));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:processing:it-sender")) == 0);
      assertThat(redis.redis().llen(key("event:p0"))).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> sender.source().healthy());
    }
  }

  private double errors(String op) {
    var c = sender.registry().find("sender.source.errors").tag("op", op).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void deadLettersUndeliverableEventAndReplaysItOverHttp() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 500)) {
      start(Map.of("webhookUrl", hook.url("/hook"), "retryDeadline", Duration.ofMillis(200), "console", false));
      redis.redis().lpush(key("event:p2"), TestEvents.OPEN_FALCON_JSON);
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:dead")) == 1);
      assertThat(redis.redis().llen(key("event:processing:it-sender"))).isZero();

      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + sender.httpPort() + "/api/v1/dead-letters";
      HttpResponse<String> listed = client.send(HttpRequest.newBuilder(URI.create(base)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(listed.body()).contains("\"count\":1").contains("gave up after")
          .contains("answered 500").contains("\"id\":\"s_17_27889eb1b8f565150a6f615f1157cc5c\"");
      // Open-Falcon's event names its priority only in its strategy: that is the queue it goes back to
      assertThat(new ObjectMapper().readTree(listed.body()).at("/deadLetters/0/priority").asInt(-1)).isEqualTo(2);

      hook.answer(n -> 200);
      HttpResponse<String> replayed = client.send(HttpRequest.newBuilder(URI.create(base + "/replay"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(replayed.body()).isEqualTo("{\"replayed\":1}");
      await().atMost(Duration.ofSeconds(10)).until(() -> hook.succeeded() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:processing:it-sender")) == 0);
      assertThat(redis.redis().llen(key("event:dead"))).isZero();
      assertThat(redis.redis().llen(key("event:p2"))).isZero();
      assertThat(hook.requests().get(hook.requests().size() - 1).body()).contains("\"endpoint\":\"host1\"");
    }
  }

  @Test
  void showsReplaysAndDropsOneDeadLetterById() throws Exception {
    try (RecordingHttpServer hook = new RecordingHttpServer(n -> 400)) {
      start(Map.of("webhookUrl", hook.url("/hook"), "console", false));
      redis.redis().lpush(key("event:p1"), AlertEventJson.write(TestEvents.problem("s_4_one", 1, 0, 1700000000)));
      redis.redis().lpush(key("event:p1"), AlertEventJson.write(TestEvents.problem("s_4_two", 1, 0, 1700000000)));
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.redis().llen(key("event:dead")) == 2);
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + sender.httpPort() + "/api/v1/dead-letters";
      var listed = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(URI.create(base)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      String one = null;
      String two = null;
      for (var d : listed.get("deadLetters")) {
        if (d.at("/event/id").asText().equals("s_4_one")) {
          one = d.get("id").asText();
        } else {
          two = d.get("id").asText();
        }
      }

      HttpResponse<String> shown = client.send(HttpRequest.newBuilder(URI.create(base + "/" + one)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(shown.statusCode()).isEqualTo(200);
      assertThat(shown.body()).contains("s_4_one").contains("\"id\":\"" + one + "\"");
      HttpResponse<String> dropped = client.send(HttpRequest.newBuilder(URI.create(base + "/" + two)).DELETE()
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(dropped.body()).isEqualTo("{\"dropped\":1}");
      hook.answer(n -> 200);
      HttpResponse<String> replayed = client.send(HttpRequest.newBuilder(URI.create(base + "/" + one + "/replay"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(replayed.body()).isEqualTo("{\"replayed\":1}");

      await().atMost(Duration.ofSeconds(10)).until(() -> hook.succeeded() == 1);
      assertThat(redis.redis().llen(key("event:dead"))).isZero();
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/" + two)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base)).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }
  }
}
