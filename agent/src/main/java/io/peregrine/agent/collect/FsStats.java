package io.peregrine.agent.collect;

import com.sun.jna.platform.linux.LibC;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Size and inode counts of the filesystem holding a path. */
interface FsStats {
  /** @param freeBytes available to unprivileged users (statvfs f_bavail), as df shows it */
  record Usage(long totalBytes, long usedBytes, long freeBytes, long totalInodes, long freeInodes) {}

  Usage stat(Path path) throws IOException;

  /** statvfs(2) through JNA on Linux (blocks and inodes); java.nio elsewhere or if JNA cannot load (no inodes). */
  static FsStats system() {
    try {
      LibC.Statvfs probe = new LibC.Statvfs();
      if (LibC.INSTANCE.statvfs("/", probe) == 0) {
        return FsStats::statvfs;
      }
    } catch (LinkageError | RuntimeException e) {
      // not Linux, or no native access: fall through
    }
    return FsStats::fileStore;
  }

  private static Usage statvfs(Path path) throws IOException {
    LibC.Statvfs s = new LibC.Statvfs();
    if (LibC.INSTANCE.statvfs(path.toString(), s) != 0) {
      throw new IOException("statvfs " + path + " failed");
    }
    long frsize = s.f_frsize.longValue() > 0 ? s.f_frsize.longValue() : s.f_bsize.longValue();
    long blocks = s.f_blocks.longValue();
    return new Usage(blocks * frsize, (blocks - s.f_bfree.longValue()) * frsize, s.f_bavail.longValue() * frsize,
        s.f_files.longValue(), s.f_ffree.longValue());
  }

  private static Usage fileStore(Path path) throws IOException {
    FileStore store = Files.getFileStore(path);
    long total = store.getTotalSpace();
    return new Usage(total, total - store.getUnallocatedSpace(), store.getUsableSpace(), 0, 0);
  }
}
