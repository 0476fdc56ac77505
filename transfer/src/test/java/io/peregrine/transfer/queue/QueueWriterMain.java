package io.peregrine.transfer.queue;

import java.nio.file.Path;

/**
 * Child JVM for the crash test: appends numbered chunks to a disk queue as fast as it can and prints each number
 * once {@link LaneQueue#append} returned (= acknowledged). The test kills it with SIGKILL mid-stream.
 */
public final class QueueWriterMain {
  private QueueWriterMain() {}

  public static void main(String[] args) throws Exception {
    LaneQueue q = LaneQueue.onDisk(Path.of(args[0]), 1 << 16, 1L << 30, 256 << 10);
    for (int i = 0; ; i++) {
      q.append(QueueTestChunks.chunk(i), 1);
      System.out.println(i);
      System.out.flush();
    }
  }
}
