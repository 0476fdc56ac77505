package io.peregrine.bench.sink;

import io.grpc.stub.StreamObserver;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;

/** Graph's Push, counted and discarded; Query, Last and ListSeries keep the generated UNIMPLEMENTED answer. */
final class GraphSinkService extends GraphGrpc.GraphImplBase {
  private final SampleCounter counter;

  GraphSinkService(SampleCounter counter) {
    this.counter = counter;
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    counter.push(batch, response);
  }
}
