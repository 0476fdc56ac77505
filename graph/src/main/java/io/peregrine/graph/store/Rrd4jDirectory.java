package io.peregrine.graph.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Data directories of the rrd4j builds (one file per series) are refused rather than half read. */
final class Rrd4jDirectory {
  private Rrd4jDirectory() {}

  static void refuse(Path dataDir) throws IOException {
    if (Files.exists(dataDir.resolve("series.idx")) || Files.isDirectory(dataDir.resolve("rrd"))) {
      throw new IOException("graph data directory " + dataDir.toAbsolutePath() + " holds the one-file-per-series "
          + "rrd4j layout of earlier Peregrine builds (series.idx, rrd/); this build keeps series in shared segment "
          + "files and does not convert it. Move that directory away (or set graph.dataDir to an empty one) to "
          + "start afresh; read what you still need from it with the earlier build first");
    }
  }
}
