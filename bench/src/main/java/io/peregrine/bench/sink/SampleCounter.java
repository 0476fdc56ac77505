package io.peregrine.bench.sink;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.model.Limits;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import java.util.concurrent.atomic.LongAdder;

/** Counts pushed batches and their samples, accepts them all, keeps nothing. */
final class SampleCounter {
  private final String service;
  private final LongAdder samples = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final OrderCheck order;

  SampleCounter(String service, boolean checkOrder) {
    this.service = service;
    this.order = checkOrder ? new OrderCheck() : null;
  }

  /** Answers one Push: accepted = the batch's size, or INVALID_ARGUMENT beyond the batch limit every receiver has. */
  void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    int n = batch.getSamplesCount();
    if (n > Limits.MAX_BATCH_SAMPLES) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(service + ": batch has " + n + " samples, more than "
          + Limits.MAX_BATCH_SAMPLES).asRuntimeException());
      return;
    }
    if (order != null) {
      order.check(batch);
    }
    samples.add(n);
    batches.increment();
    response.onNext(PushResponse.newBuilder().setAccepted(n).build());
    response.onCompleted();
  }

  long samples() {
    return samples.sum();
  }

  long batches() {
    return batches.sum();
  }

  /** Samples older than their series' newest one on arrival; -1 when not checked. */
  long backwards() {
    return order == null ? -1 : order.backwards();
  }
}
