package io.peregrine.transfer.receive;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.peregrine.common.server.RawBytesMarshaller;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.TransferGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC ingest, {@code peregrine.v1.Transfer}, bound with a byte-array request marshaller: the request's bytes go
 * to {@link Ingest#pushWire} as they came. {@code Push} answers one batch; {@code PushStream} answers each batch in
 * order and asks for the next batch only while the client reads the answers ({@code isReady}), so a client that
 * stops reading stops being read instead of piling answers up in transfer's memory.
 */
public final class TransferServiceImpl implements BindableService {
  private static final Logger log = LoggerFactory.getLogger(TransferServiceImpl.class);

  private static final RawBytesMarshaller BYTES = RawBytesMarshaller.INSTANCE;

  private final Ingest ingest;

  public TransferServiceImpl(Ingest ingest) {
    this.ingest = ingest;
  }

  @Override
  public ServerServiceDefinition bindService() {
    MethodDescriptor.Marshaller<PushResponse> answer = ProtoUtils.marshaller(PushResponse.getDefaultInstance());
    return ServerServiceDefinition.builder(TransferGrpc.SERVICE_NAME)
        .addMethod(TransferGrpc.getPushMethod().toBuilder(BYTES, answer).build(),
            ServerCalls.asyncUnaryCall(this::push))
        .addMethod(TransferGrpc.getPushStreamMethod().toBuilder(BYTES, answer).build(),
            ServerCalls.asyncBidiStreamingCall(this::pushStream))
        .build();
  }

  private void push(byte[] request, StreamObserver<PushResponse> response) {
    try {
      response.onNext(ingest.pushWire(request));
      response.onCompleted();
    } catch (StatusException e) {
      response.onError(e);
    } catch (RuntimeException e) {
      log.error("transfer: push of {} bytes failed", request.length, e);
      response.onError(Status.INTERNAL.withDescription("transfer failed to take the batch: " + e)
          .asRuntimeException());
    }
  }

  private StreamObserver<byte[]> pushStream(StreamObserver<PushResponse> plain) {
    ServerCallStreamObserver<PushResponse> response = (ServerCallStreamObserver<PushResponse>) plain;
    response.disableAutoRequest();
    boolean[] waiting = {false}; // callbacks of one call never run concurrently
    response.setOnReadyHandler(() -> {
      if (waiting[0] && response.isReady()) {
        waiting[0] = false;
        response.request(1);
      }
    });
    response.request(1);
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(byte[] batch) {
        if (failed) {
          return;
        }
        try {
          response.onNext(ingest.pushWire(batch));
        } catch (StatusException e) {
          failed = true;
          response.onError(e);
          return;
        } catch (RuntimeException e) {
          failed = true;
          log.error("transfer: stream push of {} bytes failed", batch.length, e);
          response.onError(Status.INTERNAL.withDescription("transfer failed to take the batch: " + e)
              .asRuntimeException());
          return;
        }
        if (response.isReady()) {
          response.request(1);
        } else {
          waiting[0] = true;
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
}
