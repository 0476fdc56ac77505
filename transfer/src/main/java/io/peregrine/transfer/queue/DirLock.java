package io.peregrine.transfer.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A queue directory's claim: the {@code lock} file, held while the log is open so two transfers never share it. */
final class DirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  /** Creates the directory if needed and claims it. */
  DirLock(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      channel.close();
      throw new IOException("queue directory " + dir + " is in use by another transfer (or queue)");
    }
    this.lock = l;
  }

  @Override
  public void close() throws IOException {
    QueueFiles.closeAll(lock, channel);
  }
}
