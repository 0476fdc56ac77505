package io.peregrine.transfer.receive;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.model.Limits;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.SampleBatch;
import io.peregrine.proto.v1.TransferGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC ingest: unary batches and a stream of batches answered one by one, in order. */
public final class TransferServiceImpl extends TransferGrpc.TransferImplBase {
  private static final Logger log = LoggerFactory.getLogger(TransferServiceImpl.class);

  private final Ingest ingest;

  public TransferServiceImpl(Ingest ingest) {
    this.ingest = ingest;
  }

  @Override
  public void push(SampleBatch batch, StreamObserver<PushResponse> response) {
    if (tooLarge(batch, response)) {
      return;
    }
    try {
      response.onNext(ingest.push(batch.getSamplesList()));
      response.onCompleted();
    } catch (RuntimeException e) {
      log.error("transfer: push of {} samples failed", batch.getSamplesCount(), e);
      response.onError(Status.INTERNAL.withDescription("transfer failed to take the batch: " + e)
          .asRuntimeException());
    }
  }

  @Override
  public StreamObserver<SampleBatch> pushStream(StreamObserver<PushResponse> response) {
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(SampleBatch batch) {
        if (failed || tooLarge(batch, response)) {
          failed = true;
          return;
        }
        try {
          response.onNext(ingest.push(batch.getSamplesList()));
        } catch (RuntimeException e) {
          failed = true;
          log.error("transfer: stream push of {} samples failed", batch.getSamplesCount(), e);
          response.onError(Status.INTERNAL.withDescription("transfer failed to take the batch: " + e)
              .asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        // the client went away; every batch it sent was already answered
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          response.onCompleted();
        }
      }
    };
  }

  private static boolean tooLarge(SampleBatch batch, StreamObserver<PushResponse> response) {
    if (batch.getSamplesCount() <= Limits.MAX_BATCH_SAMPLES) {
      return false;
    }
    response.onError(Status.INVALID_ARGUMENT.withDescription("batch has " + batch.getSamplesCount()
        + " samples, more than " + Limits.MAX_BATCH_SAMPLES + ": split it").asRuntimeException());
    return true;
  }
}
