package io.peregrine.transfer.queue;

import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM for the crash test of the shared log: appends numbered requests for two destinations (one record each)
 * as fast as it can and prints each number once the append returned (= acknowledged). Killed with SIGKILL mid-stream.
 */
public final class IngestLogWriterMain {
  private IngestLogWriterMain() {}

  public static void main(String[] args) throws Exception {
    IngestLog log = IngestLog.open(Path.of(args[0]), 256 << 10, List.of("graph/g0/lane-0", "judge/j0/lane-0"));
    log.group(new int[] {0}, 1L << 30);
    log.group(new int[] {1}, 1L << 30);
    LaneQueue graph = LaneQueue.shared(log, 0, 1 << 16);
    LaneQueue judge = LaneQueue.shared(log, 1, 1 << 16);
    for (int i = 0; ; i++) {
      log.append(new LaneQueue[] {graph, judge},
          new byte[][] {QueueTestChunks.chunk(i), QueueTestChunks.chunk(i)}, new int[] {1, 1}, 2);
      System.out.println(i);
      System.out.flush();
    }
  }
}
