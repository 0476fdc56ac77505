package io.peregrine.agent.collect;

import java.io.IOException;
import java.nio.file.Files;

/**
 * kernel.maxfiles ({@code sys/fs/file-max}), kernel.files.allocated (first field of {@code sys/fs/file-nr}),
 * kernel.files.left (maxfiles - allocated) and kernel.maxproc ({@code sys/kernel/pid_max}), all gauges.
 */
final class KernelCollector implements Collector {
  private final HostPaths paths;

  KernelCollector(HostPaths paths) {
    this.paths = paths;
  }

  @Override
  public String name() {
    return "kernel";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    String[] nr = Fields.split(read("sys/fs/file-nr"));
    long allocated = Long.parseLong(nr[0]);
    // file-max is a 64-bit value and may be LONG_MAX on new kernels; a double keeps it approximately
    double max = Double.parseDouble(read("sys/fs/file-max"));
    out.gauge("kernel.maxfiles", "", max);
    out.gauge("kernel.files.allocated", "", allocated);
    out.gauge("kernel.files.left", "", max - allocated);
    if (Files.isReadable(paths.proc().resolve("sys/kernel/pid_max"))) {
      out.gauge("kernel.maxproc", "", Long.parseLong(read("sys/kernel/pid_max")));
    }
  }

  private String read(String relative) throws IOException {
    return Files.readString(paths.proc().resolve(relative)).trim();
  }
}
