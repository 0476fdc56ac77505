package io.peregrine.agent.ship;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.peregrine.proto.v1.PushResponse;
import io.peregrine.proto.v1.TransferGrpc;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.IOException;

/**
 * {@code Transfer.Push} and {@code Transfer.PushStream} with the request written from a batch's {@link WireSamples}
 * bytes as they are (they are a {@code SampleBatch}'s encoding): no message object, no re-encoding. Transfer sees
 * the usual methods. gRPC reads the bytes while the request is sent (inside {@code onNext} or the unary call's
 * start); channels using these have retries off, so no attempt reads a buffer after the shipper reused it.
 */
final class WireMethods {
  private static final MethodDescriptor.Marshaller<WireSamples> BATCH = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(WireSamples value) {
      return new BatchStream(value);
    }

    @Override
    public WireSamples parse(InputStream stream) {
      throw new UnsupportedOperationException("the agent only sends batches");
    }
  };

  static final MethodDescriptor<WireSamples, PushResponse> PUSH = TransferGrpc.getPushMethod()
      .toBuilder(BATCH, ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();
  static final MethodDescriptor<WireSamples, PushResponse> PUSH_STREAM = TransferGrpc.getPushStreamMethod()
      .toBuilder(BATCH, ProtoUtils.marshaller(PushResponse.getDefaultInstance())).build();

  private WireMethods() {}

  /** The batch's bytes, drained to gRPC's framer in one write. */
  private static final class BatchStream extends InputStream implements Drainable, KnownLength {
    private final byte[] data;
    private final int length;
    private int pos;

    BatchStream(WireSamples batch) {
      this.data = batch.array();
      this.length = batch.byteLength();
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = length - pos;
      target.write(data, pos, n);
      pos = length;
      return n;
    }

    @Override
    public int available() {
      return length - pos;
    }

    @Override
    public int read() {
      return pos < length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= length) {
        return -1;
      }
      int n = Math.min(len, length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
