package io.peregrine.judge.testing;

import io.grpc.ManagedChannel;
import io.peregrine.common.event.AlertPublisher;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.judge.JudgeConfig;
import io.peregrine.judge.JudgeServer;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.Sample;
import io.peregrine.proto.v1.SampleBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A started judge with a gRPC client: push samples over loopback, close both. */
public final class JudgeHarness implements AutoCloseable {
  private final JudgeServer judge;
  private final ManagedChannel channel;

  public JudgeHarness(JudgeConfig config, AlertPublisher publisher, Clock clock) throws Exception {
    judge = new JudgeServer(config.withListen("127.0.0.1:0", "127.0.0.1:0"), publisher, clock);
    judge.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(judge::strategiesLoaded);
    channel = GrpcChannels.forAddress("127.0.0.1:" + judge.grpcPort());
  }

  public PushResponse push(Sample... samples) {
    return JudgeGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .push(SampleBatch.newBuilder().addAllSamples(List.of(samples)).build());
  }

  public JudgeServer judge() {
    return judge;
  }

  @Override
  public void close() {
    GrpcChannels.close(channel);
    judge.close();
  }
}
