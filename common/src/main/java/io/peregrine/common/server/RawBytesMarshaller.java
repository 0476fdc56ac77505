package io.peregrine.common.server;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC marshaller that hands a request over as its wire bytes, for services that read their batches in place
 * (transfer routes them, judge judges them) instead of decoding a message object per request.
 */
public final class RawBytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  public static final RawBytesMarshaller INSTANCE = new RawBytesMarshaller();

  private RawBytesMarshaller() {}

  /** A stream gRPC writes in one copy into its frame ({@link Drainable}) and sizes up front ({@link KnownLength}). */
  @Override
  public InputStream stream(byte[] value) {
    return new BytesStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      if (stream instanceof KnownLength) {
        // gRPC knows the message's size: one array, one copy (readAllBytes grows and copies chunk by chunk)
        int size = stream.available();
        byte[] out = new byte[size];
        if (stream.readNBytes(out, 0, size) == size && stream.read() < 0) {
          return out;
        }
        throw new IOException("message shorter or longer than its stated " + size + " bytes");
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class BytesStream extends ByteArrayInputStream implements Drainable, KnownLength {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
