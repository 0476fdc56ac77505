package io.peregrine.transfer.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peregrine.transfer.TransferConfig;
import io.peregrine.transfer.receive.Ingest;
import io.peregrine.transfer.route.Destinations;
import io.peregrine.transfer.route.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Go net/rpc's JSON codec, written by hand over a real TCP socket, as an Open-Falcon agent speaks it. */
class JsonRpcServerTest {
  private static final long NOW = 1_800_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private JsonRpcServer server;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    // no destinations: validation and answers only (routing is covered by the destination tests)
    TransferConfig config = TransferConfig.defaults().withNodes(List.of(), List.of()).withQueue("", 1 << 20, 0);
    Ingest ingest = new Ingest(clock, new Router(new Destinations(config, registry).all(), registry), registry);
    server = new JsonRpcServer("127.0.0.1:0", new TransferRpc(ingest), 2, Duration.ofMillis(500), 64 << 10);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String item(String endpoint, int step) {
    return "{\"endpoint\":\"" + endpoint + "\",\"metric\":\"cpu.idle\",\"timestamp\":" + NOW + ",\"step\":" + step
        + ",\"value\":1.5,\"counterType\":\"GAUGE\",\"tags\":\"\"}";
  }

  private Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(10_000); // a safety net for a broken server, not a timing assertion
    return s;
  }

  @Test
  void answersUpdatesInOrderOnOneConnectionWithOpenFalconsReplyShape() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(("{\"method\":\"Transfer.Update\",\"params\":[[" + item("h1", 60) + "," + item("h2", 0)
          + "]],\"id\":7}\n{\"method\":\"Transfer.Update\",\"params\":[[" + item("h3", 60) + "]],\"id\":8}")
          .getBytes(StandardCharsets.UTF_8)); // the second without a newline: whitespace is optional
      out.flush();
      JsonNode first = JSON.readTree(in.readLine());
      assertThat(first.get("id").asInt()).isEqualTo(7);
      assertThat(first.get("error").isNull()).isTrue();
      assertThat(first.get("result").get("Message").asText()).isEqualTo("ok");
      assertThat(first.get("result").get("Total").asInt()).isEqualTo(2);
      assertThat(first.get("result").get("Invalid").asInt()).isEqualTo(1);
      assertThat(first.get("result").has("Latency")).isTrue();
      JsonNode second = JSON.readTree(in.readLine());
      assertThat(second.get("id").asInt()).isEqualTo(8);
      assertThat(second.get("result").get("Invalid").asInt()).isZero();
    }
  }

  @Test
  void anUnknownMethodGetsGoErrorTextAndTheConnectionStaysOpen() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write("{\"method\":\"Transfer.Nope\",\"params\":[{}],\"id\":1}\n{\"method\":\"Transfer.Ping\",\"params\":[{}],\"id\":2}\n"
          .getBytes(StandardCharsets.UTF_8));
      JsonNode nope = JSON.readTree(in.readLine());
      assertThat(nope.get("result").isNull()).isTrue();
      assertThat(nope.get("error").asText()).contains("can't find method Transfer.Nope");
      assertThat(JSON.readTree(in.readLine()).get("result").get("Code").asInt()).isZero();
    }
  }

  @Test
  void garbageGetsAnErrorAndTheConnectionIsClosed() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("hello there\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(JSON.readTree(in.readLine()).get("error").asText()).contains("malformed");
      assertThat(in.readLine()).isNull();
    }
  }

  @Test
  void aJsonValueThatIsNotAnObjectIsRefused() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("[1,2]\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(JSON.readTree(in.readLine()).get("error").asText()).contains("must be a JSON object");
      assertThat(in.readLine()).isNull();
    }
  }

  @Test
  void aHugeRequestIsRefusedWithoutReadingItAll() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      StringBuilder big = new StringBuilder("{\"method\":\"Transfer.Update\",\"params\":[[");
      for (int i = 0; i < 2_000; i++) {
        big.append(i == 0 ? "" : ",").append(item("host-" + i, 60)); // ~260 KB, limit 64 KiB
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      try {
        out.write(big.append("]],\"id\":1}\n").toString().getBytes(StandardCharsets.UTF_8));
      } catch (java.net.SocketException closedMidWrite) {
        // the server may close before the client finished writing: also a refusal
      }
      String line = in.readLine();
      assertThat(line).contains("larger than 65536 bytes");
    }
  }

  @Test
  void aHalfFrameThenSilenceIsClosedAtTheIdleTimeout() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write("{\"method\":\"Transfer.Upd".getBytes(StandardCharsets.UTF_8));
      // the server closes the connection on its own; read() returns end of stream
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void connectionsBeyondTheLimitAreAnsweredAndClosed() throws Exception {
    try (Socket a = connect(); Socket b = connect()) {
      // both are being served (each gets an answer), so a third is over the limit of 2
      for (Socket s : List.of(a, b)) {
        s.getOutputStream().write("{\"method\":\"Transfer.Ping\",\"params\":[{}],\"id\":1}\n"
            .getBytes(StandardCharsets.UTF_8));
        assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine())
            .contains("\"Code\":0");
      }
      try (Socket c = connect()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).contains("JSON-RPC connections open");
        assertThat(in.readLine()).isNull();
      }
    }
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
      try (Socket d = connect()) {
        d.getOutputStream().write("{\"method\":\"Transfer.Ping\",\"params\":[{}],\"id\":3}\n"
            .getBytes(StandardCharsets.UTF_8));
        return new BufferedReader(new InputStreamReader(d.getInputStream(), StandardCharsets.UTF_8)).readLine()
            .contains("\"Code\":0");
      }
    });
  }
}
