package io.peregrine.judge;

import static io.peregrine.judge.testing.Strategies.expression;
import static io.peregrine.judge.testing.Strategies.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.event.AlertSource;
import io.peregrine.common.event.InProcessAlertQueue;
import io.peregrine.common.model.SeriesKey;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.common.time.ManualClock;
import io.peregrine.judge.testing.FakeHbs;
import io.peregrine.judge.testing.Strategies;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.StrategySet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole judge over loopback: a real gRPC hbs, Judge.Push, the in-process alert queue, the HTTP API. */
class JudgeServerTest {
  private static final long T0 = 1_800_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualClock clock = new ManualClock(T0);
  private final InProcessAlertQueue queue = new InProcessAlertQueue(100);
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeHbs hbs;
  private JudgeServer judge;
  private ManagedChannel channel;
  private JudgeGrpc.JudgeBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    StrategySet set = Strategies.set(1, "host1", strategy(7, "cpu.idle", "all(#3)", "<", 10)).toBuilder()
        .addExpressions(expression(3, "each(metric=qps service=api)", "all(#1)", ">", 100)).build();
    hbs = new FakeHbs(set);
    JudgeConfig config = JudgeConfig.defaults().withListen("127.0.0.1:0", "127.0.0.1:0")
        .withHbs(hbs.address(), Duration.ofMillis(200));
    judge = new JudgeServer(config, queue, clock);
    judge.start();
    await().atMost(Duration.ofSeconds(10)).until(judge::strategiesLoaded);
    channel = GrpcChannels.forAddress("127.0.0.1:" + judge.grpcPort());
    stub = JudgeGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (channel != null) {
      GrpcChannels.close(channel);
    }
    if (judge != null) {
      judge.close();
    }
    if (hbs != null) {
      hbs.close();
    }
  }

  private PushResponse push(Sample... samples) {
    return stub.push(SampleBatch.newBuilder().addAllSamples(java.util.List.of(samples)).build());
  }

  private AlertEvent nextEvent() throws InterruptedException {
    AlertSource.Delivery d = queue.poll(10, TimeUnit.SECONDS);
    assertThat(d).as("an event arrived").isNotNull();
    return d.event();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + judge.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pushRaisesProblemThenOkThroughTheQueue() throws Exception {
    clock.setSeconds(T0 + 120);
    PushResponse first = push(
        TestSamples.gauge("host1", "cpu.idle", "", 5, T0),
        TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 60),
        TestSamples.gauge("", "cpu.idle", "", 4, T0 + 60),
        TestSamples.gauge("host1", "cpu.idle", "", 4, T0 + 60),
        TestSamples.gauge("host1", "cpu.idle", "", 3, T0 + 120));
    assertThat(first.getAccepted()).isEqualTo(4);
    assertThat(first.getRejected()).isEqualTo(1);
    assertThat(first.getRejects(0).getIndex()).isEqualTo(2);
    assertThat(first.getRejects(0).getCode()).isEqualTo(RejectCode.MISSING_FIELD);

    AlertEvent problem = nextEvent();
    assertThat(problem.id()).isEqualTo("s_7_" + SeriesKey.md5Hex("host1/cpu.idle"));
    assertThat(problem.id()).matches("s_7_[0-9a-f]{32}");
    assertThat(problem.status()).isEqualTo(AlertEvent.PROBLEM);
    assertThat(problem.currentStep()).isEqualTo(1);
    assertThat(problem.eventTime()).isEqualTo(T0 + 120);
    assertThat(problem.leftValue()).isEqualTo(3);
    assertThat(problem.values()).containsExactly(3.0, 4.0, 5.0);
    assertThat(problem.strategy().tpl().actionId()).isEqualTo(50);
    assertThat(problem.priority()).isEqualTo(2);

    clock.setSeconds(T0 + 180);
    assertThat(push(TestSamples.gauge("host1", "cpu.idle", "", 50, T0 + 180)).getAccepted()).isEqualTo(1);
    AlertEvent ok = nextEvent();
    assertThat(ok.id()).isEqualTo(problem.id());
    assertThat(ok.status()).isEqualTo(AlertEvent.OK);
    assertThat(ok.currentStep()).isEqualTo(1);
    assertThat(ok.eventTime()).isEqualTo(T0 + 180);
    assertThat(ok.leftValue()).isEqualTo(50);
    assertThat(queue.size()).isZero();
  }

  @Test
  void expressionEventsCarryTheExpression() throws Exception {
    push(TestSamples.gauge("web1", "qps", "dc=bj,service=api", 150, T0));
    AlertEvent e = nextEvent();
    assertThat(e.id()).isEqualTo("e_3_" + SeriesKey.md5Hex("web1/qps/dc=bj,service=api"));
    assertThat(e.expression().id()).isEqualTo(3);
    assertThat(e.strategy()).isNull();
    assertThat(e.pushedTags()).containsEntry("dc", "bj").containsEntry("service", "api");
    assertThat(e.priority()).isEqualTo(1);
  }

  @Test
  void rejectsNonPositiveTimestampsAndOversizedBatches() {
    PushResponse r = push(TestSamples.gauge("host1", "cpu.idle", "", 5, 0));
    assertThat(r.getRejects(0).getCode()).isEqualTo(RejectCode.BAD_TIMESTAMP);
    SampleBatch.Builder big = SampleBatch.newBuilder();
    for (int i = 0; i <= 10_000; i++) {
      big.addSamples(TestSamples.gauge("h", "m", "", 1, T0));
    }
    assertThatThrownBy(() -> stub.push(big.build())).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void httpShowsHealthStrategiesHistoryAndMetrics() throws Exception {
    push(TestSamples.gauge("host1", "cpu.idle", "", 5, T0), TestSamples.gauge("host1", "cpu.idle", "", 6, T0 + 60),
        TestSamples.gauge("host1", "cpu.idle", "", 6, T0 + 60));

    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode checks = JSON.readTree(health.body()).get("checks");
    assertThat(checks.get("strategies").asText()).isEqualTo("UP");
    assertThat(checks.get("publisher").asText()).isEqualTo("UP");

    JsonNode strategies = JSON.readTree(get("/api/v1/strategies").body());
    assertThat(strategies.get("version").asLong()).isEqualTo(1);
    assertThat(strategies.get("loaded").asBoolean()).isTrue();
    assertThat(strategies.get("hosts").get("host1").get(0).get("func").asText()).isEqualTo("all(#3)");
    assertThat(strategies.get("expressions").get(0).get("id").asLong()).isEqualTo(3);

    HttpResponse<String> history = get("/api/v1/history?endpoint=host1&metric=cpu.idle&tags=");
    assertThat(history.statusCode()).isEqualTo(200);
    JsonNode points = JSON.readTree(history.body()).get("points");
    assertThat(points).hasSize(2);
    assertThat(points.get(0).get("timestamp").asLong()).isEqualTo(T0 + 60);
    assertThat(points.get(0).get("value").asDouble()).isEqualTo(6);
    assertThat(get("/api/v1/history?endpoint=nobody&metric=cpu.idle").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/history?metric=cpu.idle").statusCode()).isEqualTo(400);

    String metrics = get("/metrics").body();
    assertThat(metrics).contains("judge_judged_samples_total{component=\"judge\"} 2.0");
    assertThat(metrics).contains("judge_dropped_samples_total{component=\"judge\",reason=\"not_newer\"} 1.0");
    assertThat(metrics).contains("judge_strategy_version{component=\"judge\"} 1.0");
    assertThat(metrics).contains("judge_alerts_dropped_total{component=\"judge\",reason=\"pending_full\"} 0.0");
    assertThat(metrics).contains("judge_alerts_pending{component=\"judge\"}");
  }

  @Test
  void refusesToBuildWithoutAPublisherOrRedisUrl() {
    assertThatThrownBy(() -> new JudgeServer(JudgeConfig.defaults(), null, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("configure judge.redisUrl");
  }
}
