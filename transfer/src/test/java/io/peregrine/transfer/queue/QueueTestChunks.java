package io.peregrine.transfer.queue;

import java.nio.ByteBuffer;

/** Chunks that carry their own number, 1 sample each, about 300 bytes. */
final class QueueTestChunks {
  private QueueTestChunks() {}

  static byte[] chunk(int n) {
    ByteBuffer b = ByteBuffer.allocate(4 + 300);
    b.putInt(1).putInt(n);
    for (int i = 0; i < 296; i++) {
      b.put((byte) (n + i));
    }
    return b.array();
  }

  static int number(byte[] chunk) {
    return ByteBuffer.wrap(chunk).getInt(4);
  }
}
