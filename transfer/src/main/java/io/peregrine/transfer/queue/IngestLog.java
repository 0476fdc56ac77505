package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one crash-safe log every disk-backed queue of a transfer shares: each accepted request is one record (one
 * {@code write(2)}), holding the request's chunk for every lane it touches, whatever the destination. Each lane is a
 * consumer with its own read position and its own persisted ack, so destinations stay independent; a segment is
 * deleted once every consumer has passed it.
 *
 * <p>Record payload: a {@link PartTable} (which consumer each part is for, its length and CRC32C), then the parts,
 * inside {@link SegmentFormat}'s length-framed, CRC32C-checked records; a lane reads the table and its own part only. Consumer ids are kept by name in
 * {@link ConsumerRegistry}, so a changed config never reads another lane's parts.
 *
 * <p>A consumer that has acknowledged every part written for it does not hold the log back: its effective position
 * is the log's end (otherwise a lane that gets nothing for a while would pin every segment). Budget:
 * {@link Group#hasRoom()} is false once the log from a group's (destination's) oldest undelivered record on
 * reaches the group's budget in bytes (whole segments counted), so a destination far behind pins at most that.
 *
 * <p>Locking: {@link #append} holds the log's lock while it writes and hands each part to its queue (so each queue
 * sees its parts in log order); queues read with their own {@link SegmentReader} without this lock, and call
 * {@link #ack} without holding their own lock.
 */
public final class IngestLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestLog.class);

  /** One lane's view of the log: its id in the records, its positions, its reader. */
  static final class Consumer {
    final int id;
    final String name;
    final AckFile ackFile;
    final SegmentReader reader;
    final SegmentLog.Pos start;
    SegmentLog.Pos acked; // everything for this consumer before it was delivered
    SegmentLog.Pos persisted;
    SegmentLog.Pos lastAppended; // end of the newest record holding a part for this consumer
    Group group;
    LaneQueue queue;

    Consumer(int id, String name, AckFile ackFile, SegmentReader reader, SegmentLog.Pos start,
        SegmentLog.Pos logEnd) {
      this.id = id;
      this.name = name;
      this.ackFile = ackFile;
      this.reader = reader;
      this.start = start;
      this.acked = start;
      this.persisted = start;
      this.lastAppended = logEnd; // what was there at open may hold parts for it
    }
  }

  /** The consumers of one destination, sharing one disk budget. */
  public final class Group {
    private final Consumer[] members;
    private final long budget;
    private volatile boolean room = true;

    Group(Consumer[] members, long budget) {
      this.members = members;
      this.budget = budget;
    }

    /**
     * True while the log this destination has not passed is under its budget. Read without the log's lock (a flag
     * the log refreshes under it after every append and acknowledgement): ingest asks this once per request.
     */
    public boolean hasRoom() {
      return room;
    }

    /** Under the log's lock. */
    void refresh() {
      long oldest = Long.MAX_VALUE;
      for (Consumer c : members) {
        oldest = Math.min(oldest, effective(c).segment());
      }
      room = segments.bytesFrom(oldest) < budget;
    }

    public long budget() {
      return budget;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final DirLock dirLock;
  private final SegmentLog segments;
  private final List<Consumer> consumers = new ArrayList<>();
  private final List<Group> groups = new ArrayList<>();
  private boolean acksDirty;

  private IngestLog(DirLock dirLock, SegmentLog segments) {
    this.dirLock = dirLock;
    this.segments = segments;
  }

  /**
   * Opens (creating) the log in {@code dir} for the consumers named (in that order; see {@link #consumer}), cutting
   * a torn tail. A consumer new to the log starts at its end; one whose ack is unreadable, from the oldest segment.
   */
  public static IngestLog open(Path dir, long segmentBytes, List<String> names) throws IOException {
    if (names.size() > 0xFFFF) {
      throw new IllegalArgumentException("too many queue consumers: " + names.size());
    }
    DirLock dl = new DirLock(dir);
    SegmentLog seg = null;
    IngestLog il = null;
    try {
      seg = SegmentLog.open(dir, segmentBytes);
      il = new IngestLog(dl, seg);
      int[] ids = ConsumerRegistry.ids(dir, names);
      for (int i = 0; i < names.size(); i++) {
        il.consumers.add(il.openConsumer(dir, ids[i], names.get(i)));
      }
      il.deleteBehind();
      return il;
    } catch (IOException | RuntimeException e) {
      if (il != null) {
        il.closeFiles();
      } else {
        QueueFiles.closeAll(seg, dl);
      }
      throw e;
    }
  }

  private Consumer openConsumer(Path dir, int id, String name) throws IOException {
    AckFile ack = new AckFile(dir.resolve("ack-" + id));
    SegmentLog.Pos end = segments.end();
    SegmentLog.Pos first = segments.first();
    SegmentLog.Pos start;
    if (ack.empty()) {
      start = end; // new to this log: nothing in it was meant for it
      ack.write(start);
      ack.channel().force(false); // an empty ack file after a power loss would read as "new" and skip its backlog
    } else {
      SegmentLog.Pos p = ack.read();
      if (p == null) {
        start = first;
      } else if (p.compareTo(end) > 0) {
        log.warn("queue {}: {}'s ack {} is past the log's end {}; replaying from the oldest segment", dir, name, p,
            end);
        start = first;
      } else {
        start = p.compareTo(first) < 0 ? first : p; // segments before the oldest were passed by every consumer
      }
    }
    return new Consumer(id, name, ack, new SegmentReader(segments), start, end);
  }

  /** The consumer for the {@code i}-th name given to {@link #open}. */
  Consumer consumer(int i) {
    return consumers.get(i);
  }

  /** A destination's consumers (indexes into the names given to {@link #open}) and its disk budget in bytes. */
  public Group group(int[] members, long budget) {
    Consumer[] cs = new Consumer[members.length];
    for (int i = 0; i < members.length; i++) {
      cs[i] = consumers.get(members[i]);
    }
    Group g = new Group(cs, budget);
    for (Consumer c : cs) {
      c.group = g;
    }
    lock.lock();
    try {
      groups.add(g);
      g.refresh();
    } finally {
      lock.unlock();
    }
    return g;
  }

  /** One writing thread's buffers for {@link #append}: the record is framed and checksummed outside the lock. */
  public static final class Scratch {
    private final CRC32C crc = new CRC32C();
    private byte[] table = new byte[PartTable.size(64)];
    private ByteBuffer[] buffers = new ByteBuffer[2 + 64];
  }

  /** As {@link #append(Scratch, LaneQueue[], byte[][], int[], int)} with buffers of its own (tests, one-lane use). */
  public void append(LaneQueue[] queues, byte[][] chunks, int[] samples, int n) throws IOException {
    append(new Scratch(), queues, chunks, samples, n);
  }

  /**
   * Writes one record holding {@code chunks[i]} for the queue {@code queues[i]} ({@code samples[i]} samples each), in
   * one {@code write(2)}, then hands each chunk to its queue, under the log's lock: each queue sees its chunks in log
   * order. The record is framed and checksummed in {@code scratch} before the lock is taken. The record is in the
   * kernel when this returns.
   */
  public void append(Scratch scratch, LaneQueue[] queues, byte[][] chunks, int[] samples, int n) throws IOException {
    if (n > PartTable.MAX_PARTS) {
      throw new IllegalArgumentException("a record for more than " + PartTable.MAX_PARTS + " lanes");
    }
    int need = 2 + n;
    if (scratch.buffers.length < need) {
      scratch.buffers = new ByteBuffer[need];
    }
    int tableLen = PartTable.size(n);
    if (scratch.table.length < tableLen) {
      scratch.table = new byte[tableLen];
    }
    byte[] table = scratch.table;
    ByteBuffer[] buffers = scratch.buffers;
    CRC32C crc = scratch.crc;
    ByteBuffer t = ByteBuffer.wrap(table, 0, tableLen);
    t.putShort(0, (short) n);
    int len = tableLen;
    for (int i = 0; i < n; i++) {
      int e = 2 + PartTable.ENTRY * i;
      byte[] c = chunks[i];
      crc.reset();
      crc.update(c, 0, c.length);
      t.putShort(e, (short) queues[i].consumer().id).putInt(e + 2, c.length).putInt(e + 6, (int) crc.getValue());
      buffers[2 + i] = ByteBuffer.wrap(c);
      len += c.length;
    }
    crc.reset();
    crc.update(table, 0, tableLen - 4);
    t.putInt(tableLen - 4, (int) crc.getValue());
    buffers[1] = t;
    crc.reset(); // the whole record's checksum, for the torn-tail scan at open
    crc.update(table, 0, tableLen);
    for (int i = 0; i < n; i++) {
      crc.update(chunks[i], 0, chunks[i].length);
    }
    int sum = (int) crc.getValue();
    lock.lock();
    try {
      SegmentLog.Pos end = segments.append(buffers, need, len, sum);
      for (int i = 0; i < n; i++) {
        queues[i].consumer().lastAppended = end;
        queues[i].appended(chunks[i], samples[i], end);
      }
      for (Group g : groups) {
        g.refresh();
      }
    } finally {
      lock.unlock();
      java.util.Arrays.fill(buffers, 0, need, null);
    }
  }

  /** Everything meant for {@code c} before {@code upTo} was delivered: persists it, deletes passed segments. */
  void ack(Consumer c, SegmentLog.Pos upTo) throws IOException {
    lock.lock();
    try {
      if (upTo.compareTo(c.acked) <= 0) {
        return;
      }
      c.acked = upTo;
      c.ackFile.write(upTo);
      c.persisted = upTo;
      acksDirty = true;
      deleteBehind();
    } finally {
      lock.unlock();
    }
  }

  private SegmentLog.Pos effective(Consumer c) {
    return c.acked.compareTo(c.lastAppended) >= 0 ? segments.end() : c.acked;
  }

  private void deleteBehind() throws IOException {
    long oldest = Long.MAX_VALUE;
    for (Consumer c : consumers) {
      oldest = Math.min(oldest, effective(c).segment());
    }
    if (oldest != Long.MAX_VALUE) {
      segments.deleteBefore(oldest);
    }
    for (Group g : groups) {
      g.refresh();
    }
  }

  /** Bytes of the log from {@code c}'s oldest undelivered record on (whole segments). */
  long pinnedBytes(Consumer c) {
    lock.lock();
    try {
      return segments.bytesFrom(effective(c).segment());
    } finally {
      lock.unlock();
    }
  }

  /** Bytes of segment files on disk. */
  public long bytes() {
    lock.lock();
    try {
      return segments.bytes();
    } finally {
      lock.unlock();
    }
  }

  public long tornBytes() {
    return segments.tornBytes();
  }

  /**
   * Forces the records written and the ack positions to the device (what a power loss could otherwise take); the
   * position of a consumer that has everything is moved to the log's end first, so a restart need not rescan.
   */
  public void sync() throws IOException {
    List<FileChannel> finished = new ArrayList<>();
    List<FileChannel> force = new ArrayList<>();
    lock.lock();
    try {
      boolean acks = acksDirty;
      acksDirty = false;
      for (Consumer c : consumers) {
        SegmentLog.Pos e = effective(c);
        if (e.compareTo(c.persisted) > 0) {
          c.ackFile.write(e);
          c.persisted = e;
          acks = true;
        }
      }
      segments.toSync(finished, force);
      if (acks) {
        for (Consumer c : consumers) {
          force.add(c.ackFile.channel());
        }
      }
    } finally {
      lock.unlock();
    }
    // outside the lock: appends go on while the device catches up; finished segments first, in log order
    IOException failed = null;
    for (FileChannel c : finished) {
      try {
        SegmentLog.forceAndClose(c);
      } catch (IOException e) {
        failed = failed == null ? e : failed; // close the others all the same
      }
    }
    for (FileChannel c : force) {
      SegmentLog.force(c);
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void closeFiles() throws IOException {
    List<AutoCloseable> all = new ArrayList<>();
    for (Consumer c : consumers) {
      all.add(c.reader);
      all.add(c.ackFile);
    }
    all.add(segments);
    all.add(dirLock);
    QueueFiles.closeAll(all.toArray(AutoCloseable[]::new));
  }

  /** Syncs and closes the files; what is undelivered stays on disk for the next start. */
  @Override
  public void close() throws IOException {
    try {
      sync();
    } finally {
      closeFiles();
    }
  }

  Path dir() {
    return segments.dir();
  }
}
