package io.peregrine.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.testing.TestSamples;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.QueryRequest;
import io.peregrine.proto.v1.SampleBatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BenchSinkTest {
  private BenchSink sink;
  private ManagedChannel graph;
  private ManagedChannel judge;

  @BeforeEach
  void start() throws Exception {
    sink = new BenchSink("127.0.0.1:0", "127.0.0.1:0", 2);
    sink.start();
    graph = GrpcChannels.forAddress("127.0.0.1:" + sink.graphPort());
    judge = GrpcChannels.forAddress("127.0.0.1:" + sink.judgePort());
  }

  @AfterEach
  void stop() {
    GrpcChannels.close(graph);
    GrpcChannels.close(judge);
    sink.close();
  }

  private static SampleBatch batch(int n) {
    SampleBatch.Builder b = SampleBatch.newBuilder();
    IntStream.range(0, n).forEach(i -> b.addSamples(TestSamples.gauge("host-" + i, "cpu.idle", "", i, 0)));
    return b.build();
  }

  @Test
  void countsWhatGraphAndJudgeReceiveSeparately() {
    PushResponse g1 = GraphGrpc.newBlockingStub(graph).push(batch(3));
    PushResponse g2 = GraphGrpc.newBlockingStub(graph).push(batch(4));
    PushResponse j = JudgeGrpc.newBlockingStub(judge).push(batch(5));

    assertThat(g1.getAccepted()).isEqualTo(3);
    assertThat(g2.getAccepted()).isEqualTo(4);
    assertThat(j.getAccepted()).isEqualTo(5);
    assertThat(g1.getRejected()).isZero();
    assertThat(sink.graphSamples()).isEqualTo(7);
    assertThat(sink.graphBatches()).isEqualTo(2);
    assertThat(sink.judgeSamples()).isEqualTo(5);
    assertThat(sink.judgeBatches()).isEqualTo(1);
    assertThat(sink.graphPort()).isNotEqualTo(sink.judgePort());
  }

  @Test
  void graphQueriesAnswerUnimplemented() {
    assertThatThrownBy(() -> GraphGrpc.newBlockingStub(graph).query(QueryRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void refusesBatchesOverTheLimitWithoutCountingThem() {
    assertThatThrownBy(() -> JudgeGrpc.newBlockingStub(judge).push(batch(10_001)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(sink.judgeSamples()).isZero();
  }

  @Test
  void closeIsIdempotentAndSafeBeforeStart() {
    sink.close();
    sink.close();
    BenchSink never = new BenchSink("127.0.0.1:0", "127.0.0.1:0", 1);
    never.close();
    assertThatThrownBy(never::graphPort).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> GraphGrpc.newBlockingStub(graph).push(batch(1)))
        .isInstanceOf(StatusRuntimeException.class);
  }
}
