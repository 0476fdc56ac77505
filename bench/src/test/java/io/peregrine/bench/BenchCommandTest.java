package io.peregrine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.peregrine.bench.push.PushConfig;
import io.peregrine.bench.push.PushMode;
import io.peregrine.bench.push.TestTransfer;
import io.peregrine.proto.v1.CounterType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private static String flat(StringWriter w) {
    return w.toString().replaceAll("\\s+", " ");
  }

  private static PushConfig parse(String... args) {
    CommandLine cl = new CommandLine(new PushCommand());
    cl.parseArgs(args);
    return ((PushCommand) cl.getCommand()).config();
  }

  @Test
  void pushDefaultsAreTheDocumentedOnes() {
    assertThat(parse()).isEqualTo(PushConfig.defaults(PushMode.GRPC_UNARY));
    assertThat(parse("--mode", "http").target()).isEqualTo("127.0.0.1:6060");
    assertThat(parse("--mode", "grpc-stream").target()).isEqualTo("127.0.0.1:8434");
  }

  @Test
  void pushOptionsReachTheConfig() {
    PushConfig c = parse("--mode", "grpc-stream", "--target", "10.0.0.5:9000", "--endpoints", "50", "--metrics", "4",
        "--tags", "3", "--batch", "500", "--connections", "16", "--window", "2", "--duration", "2m", "--warmup", "0",
        "--rate", "100000", "--counter-type", "derive", "--step", "10", "--timeout", "500ms", "--http-path",
        "/v1/push");

    assertThat(c).isEqualTo(new PushConfig(PushMode.GRPC_STREAM, "10.0.0.5:9000", 50, 4, 3, 500, 16, 2,
        Duration.ofMinutes(2), Duration.ZERO, 100_000, CounterType.DERIVE, 10, Duration.ofMillis(500), "/v1/push"));
  }

  @Test
  void helpNamesEveryOptionWithItsDefault() {
    assertThat(execute("push", "--help")).isZero();
    // picocli wraps at 80 columns: compare with whitespace runs collapsed
    assertThat(flat(out)).contains("--mode", "--target", "--endpoints", "--metrics", "--tags", "--batch",
        "--connections", "--window", "--duration", "--warmup", "--rate", "--counter-type", "--step", "--timeout",
        "--http-path", "Default: 1000", "Default: 60s", "samples per second");

    out.getBuffer().setLength(0);
    assertThat(execute("sink", "--help")).isZero();
    assertThat(flat(out)).contains("--graph-listen", "--judge-listen", "--report-interval", "--duration",
        "Default: 127.0.0.1:6070", "Default: 127.0.0.1:6080", "Default: 5s", "UNIMPLEMENTED");
  }

  @Test
  void badOptionsExitWithTwoAndSayWhy() {
    assertThat(execute("push", "--batch", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("batch must be within 1..10000: 0");
    assertThat(execute("push", "--mode", "carrier-pigeon")).isEqualTo(2);
    assertThat(err.toString()).contains("grpc-unary, grpc-stream, http");
    assertThat(execute("push", "--duration", "soon")).isEqualTo(2);
  }

  @Test
  void pushPrintsProgressAndASummaryMatchingTheServer() throws Exception {
    try (TestTransfer server = TestTransfer.start()) {
      int code = execute("push", "--target", server.target(), "--duration", "1s", "--warmup", "0", "--endpoints",
          "5", "--metrics", "4", "--batch", "5", "--connections", "1");

      assertThat(code).isZero();
      List<String> lines = out.toString().lines().toList();
      assertThat(lines.get(0)).startsWith("bench push: mode=grpc-unary");
      String summary = lines.stream().filter(l -> l.contains(" generator_cpu_us/sample=")).findFirst().orElseThrow();
      assertThat(summary).contains(" sent=" + server.samples() + " ", " accepted=" + server.accepted() + " ",
          " rejected=" + server.rejected() + " ", "errors={}", "latency_ms p50=", "generator_cpu_us/sample=");
      assertThat(lines).contains("bench push: first reject: BAD_VALUE: sample 0: " + TestTransfer.REASON);
    }
  }

  @Test
  void sinkRunsForItsDurationAndPrintsASummary() {
    int code = execute("sink", "--graph-listen", "127.0.0.1:0", "--judge-listen", "127.0.0.1:0", "--duration", "1s",
        "--report-interval", "200ms");

    assertThat(code).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("bench sink: graph on 127.0.0.1:").contains("stopping after 1s");
    assertThat(lines.get(lines.size() - 1)).startsWith("bench sink: duration=")
        .contains(" graph samples=0 batches=0 ", " judge samples=0 batches=0 ");
  }

  @Test
  void graphWithADayOfRawRowsQueriesADayAtTheStep() {
    int code = execute("graph", "--series", "1000", "--query-series", "2", "--duration", "1s", "--query-duration",
        "1s", "--cold-rounds", "0", "--raw-rows", "1440");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("raw archive 1440 rows")
        .contains("at resolution 0: 1440 points at 60 s, 1440 known")
        .contains("1 series, 1 day (raw 1-min archive, 1,440 points)")
        .contains("2 series, 1 day raw")
        .contains("full archives: 37,088 bytes/series");
  }

  @Test
  void graphLayoutStudyPrintsFullRetentionBytesPerShape() {
    int code = execute("graph", "--layout-study", "--raw-rows", "720");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("layout study: raw 720 rows").contains("constant gauge")
        .contains("full-precision noisy float").contains("34,208");
  }

  @Test
  void graphRefusesARawLengthOutsideTheConfigRange() {
    assertThat(execute("graph", "--raw-rows", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--raw-rows must be 1..100000, got 0");
  }
}
