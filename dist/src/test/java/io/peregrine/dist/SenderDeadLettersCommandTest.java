package io.peregrine.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.peregrine.common.config.ConfigLoader;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.EventStrategy;
import io.peregrine.common.event.EventTemplate;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.sender.SenderConfig;
import io.peregrine.sender.SenderServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code peregrine sender dead-letters ...} against a running sender over its HTTP API. */
class SenderDeadLettersCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final AtomicInteger status = new AtomicInteger(400);
  private final AtomicInteger told = new AtomicInteger();
  private HttpServer hook;
  private SenderServer sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  private record Run(int code, String out, String err) {}

  private Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Peregrine());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 4];
    all[0] = "sender";
    all[1] = "dead-letters";
    all[2] = "--url";
    all[3] = "http://127.0.0.1:" + sender.httpPort();
    System.arraycopy(args, 0, all, 4, args.length);
    int code = cmd.execute(all);
    return new Run(code, out.toString(), err.toString());
  }

  private void start() throws Exception {
    hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    hook.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      int s = status.get();
      if (s < 300) {
        told.incrementAndGet();
      }
      ex.sendResponseHeaders(s, -1);
      ex.close();
    });
    hook.start();
    SenderConfig config = new ConfigLoader().with(SenderConfig.defaults(), SenderConfig.class, Map.of(
        "httpListen", "127.0.0.1:0", "hbsAddress", "", "console", false,
        "webhookUrl", "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
    sender = new SenderServer(config, queue, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    sender.start();
  }

  private static AlertEvent event(String id) {
    EventStrategy s = new EventStrategy(3, "cpu.idle", Map.of(), "all(#3)", "<", 10, 3, 1, "note",
        new EventTemplate(4, "t", 0, 0, "root"));
    return new AlertEvent(id, s, null, AlertEvent.PROBLEM, "host1", 3, 1, 1_800_000_000L, Map.of(), 1, "cpu.idle",
        AlertEvent.keyOf(id, AlertEvent.PROBLEM, 1_800_000_000L, 1), List.of(3.0));
  }

  @Test
  void listsShowsReplaysAndDropsDeadLetters() throws Exception {
    start();
    queue.publish(event("s_3_cli_a"));
    queue.publish(event("s_3_cli_b"));
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.deadLetters().size() == 2);

    Run list = cli("list");
    assertThat(list.code()).isZero();
    JsonNode listed = JSON.readTree(list.out());
    assertThat(listed.get("count").asInt()).isEqualTo(2);
    String idA = null;
    String idB = null;
    for (JsonNode d : listed.get("deadLetters")) {
      if (d.at("/event/id").asText().equals("s_3_cli_a")) {
        idA = d.get("id").asText();
      } else {
        idB = d.get("id").asText();
      }
    }
    assertThat(idA).hasSize(16);

    Run show = cli("show", idA);
    assertThat(show.code()).isZero();
    assertThat(JSON.readTree(show.out()).get("reason").asText()).contains("refused").contains("400");

    status.set(200);
    Run replay = cli("replay", idA);
    assertThat(replay.code()).isZero();
    assertThat(replay.out()).contains("\"replayed\":1");
    await().atMost(Duration.ofSeconds(10)).until(() -> told.get() == 1);
    assertThat(queue.deadLetters()).hasSize(1);

    Run drop = cli("drop", idB);
    assertThat(drop.code()).isZero();
    assertThat(queue.deadLetters()).isEmpty();

    Run missing = cli("show", idB);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no dead letter " + idB);
    assertThat(cli("show", "not-an-id").err()).contains("16 hex digits");
    assertThat(cli("replay").code()).isEqualTo(2);
  }
}
