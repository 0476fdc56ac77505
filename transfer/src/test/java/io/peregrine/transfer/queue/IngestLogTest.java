package io.peregrine.transfer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared ingest log: one record per request for every lane, each lane (consumer) at its own position, segments
 * kept while any consumer needs them, a destination's budget counted on the log it has not passed.
 */
class IngestLogTest {
  private static final List<String> NAMES = List.of("graph/g0/lane-0", "judge/j0/lane-0");
  private static final long SEGMENT = 16 << 10;

  @TempDir
  Path dir;

  /** Two destinations of one lane each, sharing one log. */
  private static final class Pair implements AutoCloseable {
    final IngestLog log;
    final LaneQueue graph;
    final LaneQueue judge;

    Pair(Path dir, long memory, long budget) throws Exception {
      this(dir, memory, budget, NAMES);
    }

    Pair(Path dir, long memory, long budget, List<String> names) throws Exception {
      log = IngestLog.open(dir, SEGMENT, names);
      log.group(new int[] {0}, budget);
      log.group(new int[] {1}, budget);
      graph = LaneQueue.shared(log, 0, memory);
      judge = LaneQueue.shared(log, 1, memory);
    }

    /** Request {@code n}: one chunk for each destination, one record. */
    void push(int n) throws Exception {
      log.append(new LaneQueue[] {graph, judge},
          new byte[][] {QueueTestChunks.chunk(n), QueueTestChunks.chunk(n)}, new int[] {1, 1}, 2);
    }

    @Override
    public void close() throws Exception {
      log.close();
    }
  }

  private static List<Integer> drain(LaneQueue q, int max) throws Exception {
    List<Integer> out = new ArrayList<>();
    LaneQueue.Batch b;
    while (out.size() < max && (b = q.take(7, 1 << 20, 0)) != null) {
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

  private long segments() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  private Path lastSegment() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
    }
  }

  @Test
  void eachRequestIsOneRecordForBothDestinations() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      p.push(0);
      // magic, then one record: header 8, a part table of 2 + 2 x 10 + 4, two chunks of 304
      assertThat(Files.size(lastSegment())).isEqualTo(4 + 8 + 26 + 2 * 304);
      assertThat(drain(p.graph, 10)).containsExactly(0);
      assertThat(drain(p.judge, 10)).containsExactly(0);
    }
  }

  /** Open descriptors of this process on segment files under {@code dir}. */
  private long openSegmentFiles() throws Exception {
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir) && target.toString().endsWith(".seg")) {
            n++;
          }
        } catch (java.io.IOException gone) {
          // the listing's own descriptor, closed by now
        }
      }
    }
    return n;
  }

  @Test
  void segmentsFinishedBetweenSyncsAreForcedAndClosedByTheNextSyncNotHeldOpen() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      for (int i = 0; i < 200; i++) {
        p.push(i); // ~130 KB: several 16 KiB segments finished, none forced by its roll
      }
      assertThat(segments()).isGreaterThan(5);
      long before = openSegmentFiles();
      p.log.sync();
      long after = openSegmentFiles();
      assertThat(before - after).isGreaterThanOrEqualTo(segments() - 1); // every finished writer closed
      assertThat(after).isLessThanOrEqualTo(3); // the writer, and at most one reader per lane
      assertThat(drain(p.graph, 1_000)).isEqualTo(range(0, 200));
      assertThat(drain(p.judge, 1_000)).isEqualTo(range(0, 200));
    }
  }

  @Test
  void oneDestinationStoppedWhileTheOtherDrainsThenItCatchesUpInOrder() throws Exception {
    try (Pair p = new Pair(dir, 3_000, 1 << 24)) {
      for (int i = 0; i < 300; i++) {
        p.push(i);
        assertThat(drain(p.judge, 10)).containsExactly(i); // judge keeps up; graph is away
      }
      assertThat(segments()).isGreaterThan(3); // graph pins what it has not delivered
      assertThat(p.graph.diskBytes()).isGreaterThan(p.judge.diskBytes());
      assertThat(drain(p.graph, 1000)).containsExactlyElementsOf(range(0, 300)); // memory first, then the log
      assertThat(segments()).isEqualTo(1); // both passed everything: only the segment being written is left
    }
  }

  @Test
  void restartMidSegmentResumesEachDestinationAtItsOwnPosition() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      for (int i = 0; i < 100; i++) {
        p.push(i);
      }
      assertThat(drain(p.graph, 70)).containsExactlyElementsOf(range(0, 70));
      assertThat(drain(p.judge, 21)).containsExactlyElementsOf(range(0, 21));
      LaneQueue.Batch unacked = p.judge.take(5, 1 << 20, 0); // taken, never acknowledged: must come again
      assertThat(unacked.samples).isEqualTo(5);
    }
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      assertThat(p.graph.recoveredBytes()).isPositive();
      p.push(100);
      assertThat(drain(p.graph, 1000)).containsExactlyElementsOf(range(70, 101));
      assertThat(drain(p.judge, 1000)).containsExactlyElementsOf(range(21, 101));
    }
  }

  @Test
  void aTornTailIsCutOnceAndCountedAndBothDestinationsKeepWhatWasWhole() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      for (int i = 0; i < 5; i++) {
        p.push(i);
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(lastSegment().toFile(), "rw")) {
      f.seek(f.length());
      f.writeInt(622); // what kill -9 in the middle of a write leaves: a header promising 622 bytes, 50 written
      f.writeInt(777);
      f.write(new byte[50]);
    }
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      assertThat(p.log.tornBytes()).isEqualTo(58);
      assertThat(p.graph.tornBytes()).isEqualTo(58); // one log: the same figure, not one per lane
      p.push(5);
      assertThat(drain(p.graph, 100)).containsExactlyElementsOf(range(0, 6));
      assertThat(drain(p.judge, 100)).containsExactlyElementsOf(range(0, 6));
    }
  }

  @Test
  void aPartFailingItsChecksumInAnOlderSegmentCostsOnlyItsLaneTheRestOfThatSegment() throws Exception {
    try (Pair p = new Pair(dir, 0, 1 << 24)) {
      for (int i = 0; i < 60; i++) { // more than one segment (25 records each)
        p.push(i);
      }
    }
    Path first;
    try (Stream<Path> files = Files.list(dir)) {
      first = files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
    }
    int record = 8 + 26 + 2 * 304;
    try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
      f.seek(4 + 3L * record + 8 + 26 + 100); // inside the fourth record's first part (graph's chunk)
      f.write(0x55 ^ f.read());
    }
    try (Pair p = new Pair(dir, 0, 1 << 24)) {
      assertThat(p.log.tornBytes()).isZero(); // not the last segment: found when read, not at open
      List<Integer> got = drain(p.graph, 100);
      assertThat(got.subList(0, 3)).containsExactly(0, 1, 2);
      assertThat(got).doesNotContain(3).contains(25).endsWith(59);
      assertThat(p.graph.corruptBytes()).isPositive();
      assertThat(drain(p.judge, 100)).containsExactlyElementsOf(range(0, 60)); // its own part is intact
      assertThat(p.judge.corruptBytes()).isZero();
    }
  }

  @Test
  void aCorruptPartTableSkipsTheRestOfTheSegmentForEveryLane() throws Exception {
    try (Pair p = new Pair(dir, 0, 1 << 24)) {
      for (int i = 0; i < 60; i++) {
        p.push(i);
      }
    }
    Path first;
    try (Stream<Path> files = Files.list(dir)) {
      first = files.filter(p -> p.toString().endsWith(".seg")).sorted().findFirst().orElseThrow();
    }
    int record = 8 + 26 + 2 * 304;
    try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
      f.seek(4 + 3L * record + 8 + 2); // the fourth record's first table entry: its consumer id
      f.write(0x01 ^ f.read());
    }
    try (Pair p = new Pair(dir, 0, 1 << 24)) {
      for (LaneQueue q : List.of(p.graph, p.judge)) {
        List<Integer> got = drain(q, 100);
        assertThat(got.subList(0, 3)).containsExactly(0, 1, 2);
        assertThat(got).doesNotContain(3).contains(25).endsWith(59);
        assertThat(q.corruptBytes()).isPositive();
      }
    }
  }

  @Test
  void aDestinationThatIsBehindIsRefusedAtItsBudgetWhileTheLogKeepsNoMore() throws Exception {
    long budget = 64 << 10;
    try (Pair p = new Pair(dir, 1_000, budget)) {
      int n = 0;
      while (p.graph.hasRoom()) {
        p.push(n++);
        drain(p.judge, 10); // judge keeps up
        assertThat(n).isLessThan(10_000);
      }
      assertThat(p.judge.hasRoom()).isTrue(); // judge's budget is its own
      assertThat(p.log.bytes()).isLessThan(budget + SEGMENT + 1_000); // a laggard pins at most its budget
      drain(p.graph, 100_000);
      assertThat(p.graph.hasRoom()).isTrue();
      assertThat(p.log.bytes()).isLessThanOrEqualTo(SEGMENT);
    }
  }

  @Test
  void consumerIdsStayWithTheirNamesAcrossAChangedConfig() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      p.push(0);
      p.push(1);
    }
    // graph's lane is gone from the config and a new one came: the new lane gets none of the old parts
    List<String> changed = List.of("upstream/u0/lane-0", "judge/j0/lane-0");
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24, changed)) {
      assertThat(drain(p.graph, 10)).isEmpty(); // "graph" here is the new upstream lane
      assertThat(drain(p.judge, 10)).containsExactly(0, 1);
    }
    assertThat(Files.readAllLines(dir.resolve("consumers")))
        .containsExactly("0\tgraph/g0/lane-0", "1\tjudge/j0/lane-0", "2\tupstream/u0/lane-0");
  }

  @Test
  void everyAcknowledgedRequestSurvivesKillDashNineForBothDestinations() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        IngestLogWriterMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
    int acknowledged = -1;
    try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
        child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        acknowledged = Integer.parseInt(line.trim());
        if (acknowledged >= 3_000) {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush of anything
          break;
        }
      }
    }
    assertThat(child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(acknowledged).isGreaterThanOrEqualTo(3_000);
    try (Pair p = new Pair(dir, 1 << 20, 1L << 30)) {
      for (LaneQueue q : List.of(p.graph, p.judge)) {
        List<Integer> got = drain(q, 1_000_000);
        // everything acknowledged, in order, then perhaps a few the child wrote after its last line was read
        assertThat(got.size()).isGreaterThan(acknowledged);
        assertThat(got.subList(0, acknowledged + 1)).containsExactlyElementsOf(range(0, acknowledged + 1));
      }
    }
  }

  @Test
  void aLaneThatGetsNothingDoesNotPinTheLog() throws Exception {
    try (Pair p = new Pair(dir, 1 << 20, 1 << 24)) {
      for (int i = 0; i < 200; i++) {
        p.log.append(new LaneQueue[] {p.judge}, new byte[][] {QueueTestChunks.chunk(i)}, new int[] {1}, 1);
        drain(p.judge, 10);
      }
      assertThat(segments()).isEqualTo(1);
      assertThat(p.graph.hasRoom()).isTrue();
      assertThat(p.graph.isEmpty()).isTrue();
    }
  }
}
