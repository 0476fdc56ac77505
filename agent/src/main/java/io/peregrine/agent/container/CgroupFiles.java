package io.peregrine.agent.container;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The accounting files of one pod or container cgroup, their paths resolved once when the cgroup is first seen (not
 * every round), and the files read every round kept open ({@link KernelFile}). Two layouts: {@link CgroupV2Files} (one directory) and {@link CgroupV1Files} (one directory per
 * controller).
 */
interface CgroupFiles {
  /**
   * Fills {@code out} (cleared first). The limit ({@code memory.max}) changes rarely, so it is read only when
   * {@code readLimit} (and the first time) and otherwise kept from the last time.
   */
  void read(CgroupFileReader reader, CgroupStats out, boolean readLimit) throws IOException;

  /** Closes the files kept open for reading (a cgroup no longer found); a later read opens them again. */
  void close();

  /** {@code cgroup.procs}: the processes, for the pod's network namespace. */
  Path procs();
}
