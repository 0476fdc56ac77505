package io.peregrine.bench.sink;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.model.Limits;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts pushed batches and their samples, accepts them all, keeps nothing. A batch arrives as its wire bytes and
 * every sample in it is counted by walking the {@code SampleBatch} fields (each {@code samples} field, field 1, is
 * one sample; its bytes are skipped, not decoded): a sink that built a {@code Sample} object per sample would cost
 * as much per sample as the transfer it measures. Only {@code --check-order} decodes the batch.
 */
final class SampleCounter {
  private final String service;
  private final LongAdder samples = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final OrderCheck order;

  SampleCounter(String service, boolean checkOrder) {
    this.service = service;
    this.order = checkOrder ? new OrderCheck() : null;
  }

  /**
   * Answers one Push: accepted = the batch's size; INVALID_ARGUMENT beyond the batch limit every receiver has, or
   * for bytes that are not a SampleBatch.
   */
  void push(byte[] batch, StreamObserver<PushResponse> response) {
    int n;
    try {
      n = count(batch);
      if (n > Limits.MAX_BATCH_SAMPLES) {
        response.onError(Status.INVALID_ARGUMENT.withDescription(service + ": batch has " + n
            + " samples, more than " + Limits.MAX_BATCH_SAMPLES).asRuntimeException());
        return;
      }
      if (order != null) {
        order.check(SampleBatch.parseFrom(batch));
      }
    } catch (IOException e) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(service + ": not a SampleBatch: " + e.getMessage())
          .asRuntimeException());
      return;
    }
    samples.add(n);
    batches.increment();
    response.onNext(PushResponse.newBuilder().setAccepted(n).build());
    response.onCompleted();
  }

  /** The number of {@code samples} fields in an encoded SampleBatch (the others skipped). */
  static int count(byte[] batch) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(batch);
    int n = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return n;
      }
      if (tag == 10) {
        n++;
        in.skipRawBytes(in.readRawVarint32());
      } else if (!in.skipField(tag)) {
        throw new InvalidProtocolBufferException("unexpected end-group tag");
      }
    }
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
