package io.peregrine.transfer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneQueueTest {
  @TempDir
  Path dir;

  private static List<Integer> drain(LaneQueue q) throws Exception {
    List<Integer> out = new ArrayList<>();
    LaneQueue.Batch b;
    while ((b = q.take(7, 1 << 20, 0)) != null) {
      for (byte[] c : b.chunks) {
        out.add(QueueTestChunks.number(c));
      }
      q.ack(b);
    }
    return out;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void keepsOrderAcrossMemoryAndDiskWhenMemoryOverflows() throws Exception {
    try (LaneQueue q = LaneQueue.onDisk(dir, 3_000, 1 << 24, 64 << 10)) {
      for (int i = 0; i < 500; i++) {
        q.append(QueueTestChunks.chunk(i), 1);
      }
      assertThat(q.memoryBytes()).isLessThanOrEqualTo(3_000);
      assertThat(drain(q)).containsExactlyElementsOf(range(0, 500));
      // caught up: new chunks go to memory again, still in order
      q.append(QueueTestChunks.chunk(500), 1);
      assertThat(drain(q)).containsExactly(500);
    }
  }

  @Test
  void deliversWhatWasNotAcknowledgedAfterAReopenAndDeletesDeliveredSegments() throws Exception {
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 64 << 10)) {
      for (int i = 0; i < 1000; i++) {
        q.append(QueueTestChunks.chunk(i), 1);
      }
      LaneQueue.Batch b = q.take(400, 1 << 20, 0);
      assertThat(b.samples).isEqualTo(400);
      q.ack(b);
      q.take(100, 1 << 20, 0); // taken, never acknowledged: must come again
    }
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 64 << 10)) {
      assertThat(q.recoveredBytes()).isPositive();
      assertThat(drain(q)).containsExactlyElementsOf(range(400, 1000));
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.filter(p -> p.toString().endsWith(".seg")).count()).isEqualTo(1);
      }
    }
  }

  @Test
  void cutsATornTailOnOpenAndCountsIt() throws Exception {
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 1 << 20)) {
      for (int i = 0; i < 10; i++) {
        q.append(QueueTestChunks.chunk(i), 1);
      }
    }
    Path seg;
    try (Stream<Path> files = Files.list(dir)) {
      seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    // what kill -9 in the middle of a write leaves: a header promising 304 bytes, then only 100 of them
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(f.length());
      f.writeInt(304);
      f.writeInt(12345);
      f.write(new byte[100]);
    }
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 1 << 20)) {
      assertThat(q.tornBytes()).isEqualTo(108);
      q.append(QueueTestChunks.chunk(10), 1);
      assertThat(drain(q)).containsExactlyElementsOf(range(0, 11));
    }
  }

  @Test
  void skipsARecordThatFailsItsChecksumAndCountsIt() throws Exception {
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 1 << 20)) {
      for (int i = 0; i < 3; i++) {
        q.append(QueueTestChunks.chunk(i), 1);
      }
    }
    Path seg;
    try (Stream<Path> files = Files.list(dir)) {
      seg = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(4 + (8 + 320) + 8 + 20); // inside the second record's payload (320: a part table of 16, chunk 304)
      f.write(0x55 ^ f.read());
    }
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1 << 24, 1 << 20)) {
      // the open scan cuts the bad record and all after it as a torn tail (it is the last segment)
      assertThat(q.tornBytes()).isEqualTo(2 * (8 + 320));
      assertThat(drain(q)).containsExactly(0);
    }
  }

  @Test
  void refusesMoreOnceTheDiskBudgetIsSpent() throws Exception {
    try (LaneQueue q = LaneQueue.onDisk(dir, 1_000, 64 << 10, 16 << 10)) {
      int n = 0;
      while (q.hasRoom()) {
        q.append(QueueTestChunks.chunk(n++), 1);
      }
      assertThat(q.diskBytes()).isGreaterThanOrEqualTo(64 << 10);
      assertThat(n).isBetween(200, 220);
      drain(q);
      assertThat(q.hasRoom()).isTrue();
    }
  }

  @Test
  void everyAcknowledgedChunkSurvivesKillDashNineOfTheWritingProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        QueueWriterMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
    int acknowledged = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        acknowledged = Integer.parseInt(line.trim());
        if (acknowledged >= 5_000) {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush of anything
          break;
        }
      }
    }
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(acknowledged).isGreaterThanOrEqualTo(5_000);
    try (LaneQueue q = LaneQueue.onDisk(dir, 1 << 20, 1L << 30, 256 << 10)) {
      List<Integer> got = drain(q);
      // everything acknowledged, in order, then perhaps a few the child wrote after its last line was read
      assertThat(got.size()).isGreaterThan(acknowledged);
      assertThat(got.subList(0, acknowledged + 1)).containsExactlyElementsOf(range(0, acknowledged + 1));
    }
  }

  @Test
  void aLingeringTakeWakesOnceTheBatchIsFullNotPerChunk() throws Exception {
    LaneQueue q = LaneQueue.inMemory(1 << 20);
    q.append(QueueTestChunks.chunk(0), 1);
    java.util.concurrent.CompletableFuture<LaneQueue.Batch> taken = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> {
          try {
            return q.take(3, 1 << 20, TimeUnit.SECONDS.toNanos(10), TimeUnit.HOURS.toNanos(1));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    q.append(QueueTestChunks.chunk(1), 1);
    q.append(QueueTestChunks.chunk(2), 1);
    LaneQueue.Batch b = taken.get(30, TimeUnit.SECONDS); // an hour's linger ends as soon as 3 samples are there
    assertThat(b.samples).isEqualTo(3);
    assertThat(b.chunks).extracting(QueueTestChunks::number).containsExactly(0, 1, 2);
  }

  @Test
  void aLingeringTakeSendsWhatItHasWhenTheLingerEnds() throws Exception {
    LaneQueue q = LaneQueue.inMemory(1 << 20);
    q.append(QueueTestChunks.chunk(0), 1);
    LaneQueue.Batch b = q.take(1000, 1 << 20, 0, TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(b.samples).isEqualTo(1);
    q.ack(b);
    assertThat(q.isEmpty()).isTrue();
  }
}
