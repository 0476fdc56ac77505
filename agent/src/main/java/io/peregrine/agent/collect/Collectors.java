package io.peregrine.agent.collect;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in collectors for a host: procfs ones on Linux, OSHI's where there is no procfs. */
public final class Collectors {
  private static final Logger log = LoggerFactory.getLogger(Collectors.class);

  private Collectors() {}

  public static List<Collector> forHost(HostPaths paths) {
    return forHost(paths, new TcpTable(paths));
  }

  /** The collectors, sharing one socket-table reader with the hbs checks (net.port.listen). */
  public static List<Collector> forHost(HostPaths paths, TcpTable tcp) {
    List<Collector> out = new ArrayList<>();
    out.add(new AliveCollector());
    if (paths.hasProcfs()) {
      out.add(new CpuCollector(paths));
      out.add(new LoadCollector(paths));
      out.add(new MemoryCollector(paths));
      out.add(new NetDevCollector(paths, System::nanoTime));
      out.add(new DiskStatsCollector(paths, System::nanoTime));
      out.add(new KernelCollector(paths));
      out.add(new DfCollector(paths, FsStats.system()));
      out.add(new NetstatCollector(paths, tcp));
      out.add(new PressureCollector(paths));
      out.add(new VmstatCollector(paths));
      out.add(new SystemCollector(paths));
      out.add(new CpuFreqCollector(paths));
    } else {
      try {
        out.add(new OshiCollector());
        log.info("agent: no procfs at {}; cpu, load and mem come from OSHI, no df/net/disk/kernel metrics",
            paths.proc());
      } catch (RuntimeException | LinkageError e) {
        log.warn("agent: no procfs at {} and OSHI is unavailable ({}); only agent.alive is collected",
            paths.proc(), e.toString());
      }
    }
    return List.copyOf(out);
  }
}
