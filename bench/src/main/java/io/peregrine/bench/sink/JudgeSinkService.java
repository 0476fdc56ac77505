package io.peregrine.bench.sink;

import io.grpc.stub.StreamObserver;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;

/** Judge's Push, counted and discarded. */
final class JudgeSinkService extends JudgeGrpc.JudgeImplBase {
  private final SampleCounter counter;

  JudgeSinkService(SampleCounter counter) {
    this.counter = counter;
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    counter.push(batch, response);
  }
}
