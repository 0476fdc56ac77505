package io.peregrine.transfer.send;

import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.peregrine.common.server.GrpcChannels;
import io.peregrine.common.tls.TlsMaterial;
import io.peregrine.proto.v1.GraphGrpc;
import io.peregrine.proto.v1.JudgeGrpc;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.TransferGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code Push(SampleBatch)} to graph, judge or an upstream transfer, with the request written straight from the
 * queued bytes (no {@code SampleBatch} object, no re-serialisation). The answer is a normal {@code PushResponse}.
 */
public final class GrpcBatchSender implements BatchSender {
  private static final MethodDescriptor.Marshaller<Payload> PAYLOAD = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(Payload value) {
      return new PayloadStream(value);
    }

    @Override
    public Payload parse(InputStream stream) {
      throw new UnsupportedOperationException("transfer only sends payloads");
    }
  };

  private final ManagedChannel channel;
  private final MethodDescriptor<Payload, PushResponse> method;
  private final Duration timeout;

  private GrpcBatchSender(String address, MethodDescriptor<?, PushResponse> push, Duration timeout,
      TlsMaterial tls) {
    // no gRPC-level retry: the lane retries itself, and gRPC's retry machinery (RetriableStream) would hold every
    // outgoing message in its replay buffer and add its own objects to each call
    this.channel = GrpcChannels.builder(address, tls).disableRetry().build();
    this.method = push.toBuilder(PAYLOAD, ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();
    this.timeout = timeout;
  }

  /** @param tls TLS of the channel (transfer's {@code tls} block) */
  public static GrpcBatchSender graph(String address, Duration timeout, TlsMaterial tls) {
    return new GrpcBatchSender(address, GraphGrpc.getPushMethod(), timeout, tls);
  }

  public static GrpcBatchSender judge(String address, Duration timeout, TlsMaterial tls) {
    return new GrpcBatchSender(address, JudgeGrpc.getPushMethod(), timeout, tls);
  }

  /** To an upstream transfer (chaining): the same bytes, Transfer.Push. */
  public static GrpcBatchSender transfer(String address, Duration timeout, TlsMaterial tls) {
    return new GrpcBatchSender(address, TransferGrpc.getPushMethod(), timeout, tls);
  }

  @Override
  public PushResponse send(Payload payload) throws SendException {
    try {
      return ClientCalls.blockingUnaryCall(channel, method,
          CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS), payload);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE) {
        // gRPC's own reconnect backoff grows to 2 minutes while a node is away, and a call in that window fails at
        // once: the node would sit idle long after it is back. The lane's retry pacing (at most 5 s) decides instead.
        channel.resetConnectBackoff();
      }
      String reason = "status_" + code.name().toLowerCase();
      throw new SendException(kind(code), reason, e.getStatus().toString(), e);
    }
  }

  /** Which statuses mean "try again", "maybe the batch", "never this batch". */
  static SendException.Kind kind(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED, UNAUTHENTICATED,
          PERMISSION_DENIED -> SendException.Kind.RETRY; // the node or its credentials come back; the data is fine
      case INTERNAL, UNKNOWN, DATA_LOSS -> SendException.Kind.SUSPECT;
      default -> SendException.Kind.REFUSED; // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED...
    };
  }

  @Override
  public void close() {
    GrpcChannels.close(channel);
  }

  /** Lets gRPC copy the payload straight into its buffers (Drainable) and know its size up front (KnownLength). */
  private static final class PayloadStream extends InputStream implements Drainable, KnownLength {
    private final Payload payload;
    private byte[] flat;
    private int pos;
    private boolean drained;

    PayloadStream(Payload payload) {
      this.payload = payload;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      payload.writeTo(target);
      drained = true;
      return payload.bytes();
    }

    @Override
    public int available() {
      return drained ? 0 : payload.bytes() - pos;
    }

    @Override
    public int read() {
      byte[] b = flat();
      return pos < b.length ? b[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      byte[] f = flat();
      if (pos >= f.length) {
        return -1;
      }
      int n = Math.min(len, f.length - pos);
      System.arraycopy(f, pos, b, off, n);
      pos += n;
      return n;
    }

    private byte[] flat() {
      if (flat == null) {
        flat = drained ? new byte[0] : payload.toByteArray();
      }
      return flat;
    }
  }
}
