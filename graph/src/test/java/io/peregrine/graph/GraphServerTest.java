package io.peregrine.graph;

import static io.peregrine.graph.GraphFixture.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.Consolidation;
import io.peregrine.proto.v1.CounterType;
import io.peregrine.proto.v1.LastRequest;
import io.peregrine.proto.v1.LastResponse;
import io.peregrine.proto.v1.ListSeriesRequest;
import io.peregrine.proto.v1.ListSeriesResponse;
import io.peregrine.proto.v1.Point;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.QueryResponse;
import io.peregrine.proto.v1.RejectCode;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SeriesInfo;
import io.peregrine.proto.v1.SeriesRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphServerTest {
  @TempDir Path dir;
  GraphFixture graph;

  @BeforeEach
  void start() throws Exception {
    graph = new GraphFixture(dir);
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  static Sample gauge(String endpoint, String metric, String tags, double value, long ts) {
    return TestSamples.gauge(endpoint, metric, tags, value, ts);
  }

  static SeriesRef ref(String endpoint, String metric, String tags) {
    return SeriesRef.newBuilder().setEndpoint(endpoint).setMetric(metric).setTags(tags).build();
  }

  QueryResponse query(SeriesRef series, long start, long end, Consolidation cf, int resolution) {
    return graph.grpc.query(QueryRequest.newBuilder().setSeries(series).setStart(start).setEnd(end)
        .setConsolidation(cf).setResolution(resolution).build());
  }

  static List<Long> times(QueryResponse r) {
    return r.getPointsList().stream().map(Point::getTimestamp).toList();
  }

  static List<Double> values(QueryResponse r) {
    return r.getPointsList().stream().map(Point::getValue).toList();
  }

  @Test
  void pushedPointsComeBackWithTheirValuesAndTimestamps() {
    List<Sample> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(gauge("host1", "cpu.idle", "core=0", 1.5 + i, HOUR + 60L * i));
    }
    PushResponse pushed = graph.pushAndWait(batch);
    assertThat(pushed.getAccepted()).isEqualTo(5);
    assertThat(pushed.getRejected()).isZero();

    QueryResponse r = query(ref("host1", "cpu.idle", "core=0"), HOUR, HOUR + 240, Consolidation.AVERAGE, 0);

    assertThat(r.getFound()).isTrue();
    assertThat(r.getStep()).isEqualTo(60);
    assertThat(r.getCounterType()).isEqualTo(CounterType.GAUGE);
    assertThat(times(r)).containsExactly(HOUR, HOUR + 60, HOUR + 120, HOUR + 180, HOUR + 240);
    assertThat(values(r)).containsExactly(1.5, 2.5, 3.5, 4.5, 5.5);
  }

  @Test
  void timestampInsideAStepIsStoredAtTheStepStartAndGapsAreNaN() {
    graph.pushAndWait(List.of(gauge("h", "m", "", 7, HOUR + 17), gauge("h", "m", "", 9, HOUR + 180 + 59)));

    QueryResponse r = query(ref("h", "m", ""), HOUR, HOUR + 180, Consolidation.AVERAGE, 0);

    assertThat(times(r)).containsExactly(HOUR, HOUR + 60, HOUR + 120, HOUR + 180);
    assertThat(r.getPoints(0).getValue()).isEqualTo(7.0);
    assertThat(r.getPoints(1).getValue()).isNaN();
    assertThat(r.getPoints(2).getValue()).isNaN();
    assertThat(r.getPoints(3).getValue()).isEqualTo(9.0);
  }

  @Test
  void coarserArchiveConsolidatesAverageMaxAndMin() {
    List<Sample> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) { // steps ending HOUR+60 .. HOUR+600: two whole 5-step (300 s) rows
      batch.add(gauge("host1", "load.1min", "", i + 1, HOUR + 60L * (i + 1)));
    }
    graph.pushAndWait(batch);
    SeriesRef s = ref("host1", "load.1min", "");

    QueryResponse avg = query(s, HOUR + 300, HOUR + 600, Consolidation.AVERAGE, 300);
    QueryResponse max = query(s, HOUR + 300, HOUR + 600, Consolidation.MAX, 300);
    QueryResponse min = query(s, HOUR + 300, HOUR + 600, Consolidation.MIN, 300);

    assertThat(avg.getStep()).isEqualTo(300);
    assertThat(times(avg)).containsExactly(HOUR + 300, HOUR + 600);
    assertThat(values(avg)).containsExactly(3.0, 8.0);
    assertThat(max.getStep()).isEqualTo(300);
    assertThat(values(max)).containsExactly(5.0, 10.0);
    assertThat(values(min)).containsExactly(1.0, 6.0);

    // resolution 0 reads the raw archive whatever the function, as every function agrees at one step
    QueryResponse raw = query(s, HOUR + 60, HOUR + 600, Consolidation.MAX, 0);
    assertThat(raw.getStep()).isEqualTo(60);
    assertThat(values(raw)).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
  }

  @Test
  void counterIsStoredAsPerSecondRateAndAResetGivesNoPoint() {
    double[] readings = {100, 160, 280, 10, 70};
    List<Sample> batch = new ArrayList<>();
    for (int i = 0; i < readings.length; i++) {
      batch.add(TestSamples.counter("host1", "net.if.in.bytes", "iface=eth0", readings[i], HOUR + 60L * i));
    }
    graph.pushAndWait(batch);

    QueryResponse r = query(ref("host1", "net.if.in.bytes", "iface=eth0"), HOUR, HOUR + 240, Consolidation.AVERAGE,
        0);

    assertThat(r.getCounterType()).isEqualTo(CounterType.COUNTER);
    assertThat(times(r)).containsExactly(HOUR, HOUR + 60, HOUR + 120, HOUR + 180, HOUR + 240);
    assertThat(r.getPoints(0).getValue()).as("no rate before the second reading").isNaN();
    assertThat(r.getPoints(1).getValue()).isEqualTo(1.0);
    assertThat(r.getPoints(2).getValue()).isEqualTo(2.0);
    assertThat(r.getPoints(3).getValue()).as("reset 280 -> 10").isNaN();
    assertThat(r.getPoints(4).getValue()).isEqualTo(1.0);
  }

  @Test
  void deriveKeepsNegativeRates() {
    Sample first = gauge("h", "queue.depth.rate", "", 100, HOUR).toBuilder().setCounterType(CounterType.DERIVE)
        .build();
    graph.pushAndWait(List.of(first, first.toBuilder().setValue(40).setTimestamp(HOUR + 60).build()));

    QueryResponse r = query(ref("h", "queue.depth.rate", ""), HOUR + 60, HOUR + 60, Consolidation.AVERAGE, 0);

    assertThat(values(r)).containsExactly(-1.0);
  }

  @Test
  void outOfOrderSamplesAreDroppedAndCountedWithoutFailingTheirBatch() throws Exception {
    graph.pushAndWait(List.of(gauge("h", "m", "", 1, HOUR + 120)));

    PushResponse late = graph.pushAndWait(List.of(gauge("h", "m", "", 2, HOUR + 60), gauge("h", "m", "", 3,
        HOUR + 120), gauge("h", "m", "", 4, HOUR + 150)));

    assertThat(late.getAccepted()).isEqualTo(3);
    assertThat(late.getRejected()).isZero();
    assertThat(graph.dropped("out_of_order")).as("the older step and the duplicate").isEqualTo(2.0);
    QueryResponse r = query(ref("h", "m", ""), HOUR + 60, HOUR + 120, Consolidation.AVERAGE, 0);
    assertThat(r.getPoints(0).getValue()).isNaN();
    assertThat(r.getPoints(1).getValue()).as("1 for 30 s, then 4 for 30 s").isEqualTo(2.5);
    assertThat(graph.server.store().last("h/m/").orElseThrow().value()).isEqualTo(4.0);
  }

  @Test
  void lastReturnsTheNewestRawValue() {
    graph.pushAndWait(List.of(gauge("h", "cpu.idle", "", 1, HOUR), gauge("h", "cpu.idle", "", 2, HOUR + 61),
        TestSamples.counter("h", "net.if.in.bytes", "", 5_000, HOUR)));

    LastResponse r = graph.grpc.last(LastRequest.newBuilder().addSeries(ref("h", "cpu.idle", ""))
        .addSeries(ref("h", "net.if.in.bytes", "")).addSeries(ref("h", "nope", "")).build());

    assertThat(r.getValuesCount()).isEqualTo(3);
    assertThat(r.getValues(0).getFound()).isTrue();
    assertThat(r.getValues(0).getPoint().getTimestamp()).isEqualTo(HOUR + 61);
    assertThat(r.getValues(0).getPoint().getValue()).isEqualTo(2.0);
    assertThat(r.getValues(1).getPoint().getValue()).as("the counter's reading, not a rate").isEqualTo(5_000.0);
    assertThat(r.getValues(2).getFound()).isFalse();
    assertThat(r.getValues(2).getSeries().getMetric()).isEqualTo("nope");
  }

  @Test
  void lastRefusesMoreThanAThousandSeries() {
    LastRequest.Builder req = LastRequest.newBuilder();
    for (int i = 0; i < 1_001; i++) {
      req.addSeries(ref("h", "m" + i, ""));
    }

    assertThatThrownBy(() -> graph.grpc.last(req.build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("1001").contains("1000");
        });
  }

  @Test
  void listSeriesFiltersByEndpointAndMetricPrefix() {
    graph.pushAndWait(List.of(gauge("host1", "cpu.idle", "", 1, HOUR), gauge("host1", "cpu.user", "", 1, HOUR),
        gauge("host1", "mem.free", "", 1, HOUR), gauge("host2", "cpu.idle", "", 1, HOUR),
        gauge("host2", "df.bytes.used", "fstype=ext4,mount=/", 1, HOUR),
        gauge("host10", "cpu.idle", "", 1, HOUR)));

    ListSeriesResponse host1 = graph.grpc.listSeries(ListSeriesRequest.newBuilder().setEndpoint("host1").build());
    ListSeriesResponse host1Cpu = graph.grpc.listSeries(ListSeriesRequest.newBuilder().setEndpoint("host1")
        .setMetricPrefix("cpu.").build());
    ListSeriesResponse cpu = graph.grpc.listSeries(ListSeriesRequest.newBuilder().setMetricPrefix("cpu.").build());
    ListSeriesResponse firstTwo = graph.grpc.listSeries(ListSeriesRequest.newBuilder().setLimit(2).build());

    assertThat(host1.getSeriesList()).extracting(i -> i.getSeries().getMetric())
        .containsExactly("cpu.idle", "cpu.user", "mem.free");
    assertThat(host1.getTruncated()).isFalse();
    assertThat(host1Cpu.getSeriesList()).extracting(i -> i.getSeries().getMetric())
        .containsExactly("cpu.idle", "cpu.user");
    assertThat(cpu.getSeriesList()).extracting(i -> i.getSeries().getEndpoint())
        .containsExactly("host1", "host1", "host10", "host2");
    assertThat(firstTwo.getSeriesCount()).isEqualTo(2);
    assertThat(firstTwo.getTruncated()).isTrue();
    SeriesInfo df = graph.grpc.listSeries(ListSeriesRequest.newBuilder().setEndpoint("host2")
        .setMetricPrefix("df").build()).getSeries(0);
    assertThat(df.getSeries().getTags()).isEqualTo("fstype=ext4,mount=/");
    assertThat(df.getStep()).isEqualTo(60);
    assertThat(df.getCounterType()).isEqualTo(CounterType.GAUGE);
    assertThatThrownBy(() -> graph.grpc.listSeries(ListSeriesRequest.newBuilder().setLimit(10_001).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void dataSurvivesCloseAndReopen() throws Exception {
    graph.pushAndWait(List.of(gauge("host1", "cpu.idle", "core=1", 10, HOUR), gauge("host1", "cpu.idle", "core=1",
        20, HOUR + 60), TestSamples.counter("host1", "net.if.in.bytes", "", 0, HOUR),
        TestSamples.counter("host1", "net.if.in.bytes", "", 600, HOUR + 60)));
    graph.close();

    graph = new GraphFixture(dir);

    ListSeriesResponse listed = graph.grpc.listSeries(ListSeriesRequest.getDefaultInstance());
    assertThat(listed.getSeriesList()).extracting(i -> i.getSeries().getMetric() + "/" + i.getCounterType())
        .containsExactly("cpu.idle/GAUGE", "net.if.in.bytes/COUNTER");
    QueryResponse gauge = query(ref("host1", "cpu.idle", "core=1"), HOUR, HOUR + 60, Consolidation.AVERAGE, 0);
    assertThat(values(gauge)).containsExactly(10.0, 20.0);
    QueryResponse rate = query(ref("host1", "net.if.in.bytes", ""), HOUR + 60, HOUR + 60, Consolidation.AVERAGE, 0);
    assertThat(values(rate)).containsExactly(10.0);
    LastResponse last = graph.grpc.last(LastRequest.newBuilder().addSeries(ref("host1", "cpu.idle", "core=1"))
        .build());
    assertThat(last.getValues(0).getPoint().getValue()).isEqualTo(20.0);
    assertThat(last.getValues(0).getPoint().getTimestamp()).isEqualTo(HOUR + 60);

    // the last update time came back from the file too: older samples are still refused, newer ones stored
    graph.pushAndWait(List.of(gauge("host1", "cpu.idle", "core=1", 99, HOUR + 60),
        gauge("host1", "cpu.idle", "core=1", 30, HOUR + 120)));
    assertThat(graph.dropped("out_of_order")).isEqualTo(1.0);
    assertThat(values(query(ref("host1", "cpu.idle", "core=1"), HOUR, HOUR + 120, Consolidation.AVERAGE, 0)))
        .containsExactly(10.0, 20.0, 30.0);
  }

  @Test
  void unknownSeriesIsNotFound() {
    QueryResponse r = query(ref("ghost", "cpu.idle", "b=2,a=1"), HOUR, HOUR + 60, Consolidation.AVERAGE, 0);

    assertThat(r.getFound()).isFalse();
    assertThat(r.getPointsCount()).isZero();
    assertThat(r.getSeries().getTags()).as("echoed in canonical form").isEqualTo("a=1,b=2");
  }

  @Test
  void badQueryArgumentsAreInvalidArgumentNamingTheProblem() {
    graph.pushAndWait(List.of(gauge("h", "m", "", 1, HOUR)));
    SeriesRef s = ref("h", "m", "");

    assertInvalid(() -> query(s, HOUR + 60, HOUR, Consolidation.AVERAGE, 0), "start");
    assertInvalid(() -> query(s, 0, HOUR, Consolidation.AVERAGE, 0), "points");
    assertInvalid(() -> query(s, HOUR, HOUR + 60, Consolidation.AVERAGE, -5), "resolution");
    assertInvalid(() -> query(s, Long.MAX_VALUE - 1, Long.MAX_VALUE, Consolidation.AVERAGE, 0), "unix seconds");
    assertInvalid(() -> query(ref("", "m", ""), HOUR, HOUR + 60, Consolidation.AVERAGE, 0), "series.endpoint");
    assertInvalid(() -> query(ref("h", "m", "novalue"), HOUR, HOUR + 60, Consolidation.AVERAGE, 0), "series.tags");
    assertInvalid(() -> graph.grpc.query(QueryRequest.newBuilder().setSeries(s).setStart(HOUR).setEnd(HOUR)
        .setConsolidationValue(9).build()), "consolidation");
  }

  static void assertInvalid(Runnable call, String mentioned) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(mentioned);
    });
  }

  @Test
  void invalidSamplesAreRejectedWithTheirReasonAndTheRestIsStored() {
    PushResponse r = graph.pushAndWait(List.of(
        gauge("h", "ok.1", "", 1, HOUR),
        gauge("h", "nan", "", Double.NaN, HOUR),
        gauge("h", "", "", 1, HOUR),
        gauge("h", "bad.step", "", 1, HOUR).toBuilder().setStep(0).build(),
        gauge("h", "ok.2", "", 2, HOUR)));

    assertThat(r.getAccepted()).isEqualTo(2);
    assertThat(r.getRejectsList()).extracting(x -> x.getIndex() + ":" + x.getCode())
        .containsExactly("1:BAD_VALUE", "2:MISSING_FIELD", "3:BAD_STEP");
    assertThat(graph.dropped("bad_value")).isEqualTo(1.0);
    assertThat(graph.server.store().seriesCount()).isEqualTo(2);
  }

  @Test
  void aSeriesKeepsItsStepAndCounterType() {
    graph.pushAndWait(List.of(gauge("h", "m", "", 1, HOUR)));

    PushResponse r = graph.push(List.of(gauge("h", "m", "", 2, HOUR + 60).toBuilder().setStep(30).build(),
        TestSamples.counter("h", "m", "", 3, HOUR + 60)));

    assertThat(r.getAccepted()).isZero();
    assertThat(r.getRejects(0).getCode()).isEqualTo(RejectCode.BAD_STEP);
    assertThat(r.getRejects(0).getReason()).contains("step 60 s").contains("30 s");
    assertThat(r.getRejects(1).getCode()).isEqualTo(RejectCode.BAD_COUNTER_TYPE);
    assertThat(graph.dropped("step_mismatch")).isEqualTo(1.0);
  }

  @Test
  void metricsAndHealthAreServed() throws Exception {
    graph.pushAndWait(List.of(gauge("h", "m", "", 1, HOUR)));
    query(ref("h", "m", ""), HOUR, HOUR, Consolidation.AVERAGE, 0);

    String metrics = graph.get("/metrics").body();
    assertThat(metrics).contains("graph_received_samples_total{component=\"graph\"} 1.0")
        .contains("graph_stored_samples_total{component=\"graph\"} 1.0")
        .contains("graph_series{component=\"graph\"} 1.0")
        .contains("graph_write_queue_capacity{component=\"graph\"} 200000.0")
        .contains("graph_write_queue_size")
        .contains("graph_query_seconds_count{api=\"query\",component=\"graph\",outcome=\"ok\",transport=\"grpc\"} 1");
    assertThat(graph.get("/health").statusCode()).isEqualTo(200);
  }
}
