package io.peregrine.agent.collect;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Socket and protocol counters of the host's network namespace (read through pid 1, like net/dev):
 *
 * <ul>
 *   <li>{@code ss.estab ss.closed ss.orphaned ss.timewait} (GAUGE), the numbers {@code ss -s} prints on its TCP line,
 *       computed the way iproute2 does from {@code net/sockstat}, {@code net/sockstat6} and {@code net/snmp}
 *       (estab = Tcp CurrEstab; closed = alloc - (inuse4 + inuse6 - tw)), so no process is forked; and
 *       {@code ss.synrecv}, sockets in SYN_RECV, counted in {@code net/tcp} and {@code net/tcp6} by {@link TcpTable}
 *       at most once a minute (the count is sent every round; see TcpTable for why);
 *   <li>{@code sockstat.<proto>.<key>} (GAUGE), every pair of {@code net/sockstat} and {@code net/sockstat6}
 *       ({@code sockstat.tcp.inuse}, {@code sockstat.tcp6.inuse}, {@code sockstat.udp.mem} in pages, ...);
 *   <li>{@code TcpExt.<key>} (COUNTER) from {@code net/netstat} for Open-Falcon's list; a key the kernel no longer has
 *       (TCPPrequeueDropped went in 4.14) is not sent;
 *   <li>{@code snmp.Udp.<key>} (COUNTER) from {@code net/snmp}.
 * </ul>
 */
final class NetstatCollector implements Collector {
  /** Open-Falcon's TcpExt set (falcon-plus funcs/netstat.go). */
  static final List<String> TCP_EXT = List.of("ListenOverflows", "ListenDrops", "TCPBacklogDrop",
      "TCPPrequeueDropped", "TCPTSReorder", "TCPDSACKUndo", "TCPLoss", "TCPLostRetransmit", "TCPLossFailures",
      "TCPFastRetrans", "TCPTimeouts", "TCPSchedulerFailed", "TCPAbortOnMemory", "TCPAbortOnTimeout",
      "TCPAbortFailed", "PruneCalled", "LockDroppedIcmps", "ArpFilter", "TW", "DelayedACKLocked");
  static final List<String> UDP = List.of("InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors",
      "SndbufErrors");

  private final HostPaths paths;
  private final TcpTable tcp;

  NetstatCollector(HostPaths paths, TcpTable tcp) {
    this.paths = paths;
    this.tcp = tcp;
  }

  @Override
  public String name() {
    return "netstat";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    Map<String, Map<String, Long>> snmp = ProcTables.headerValuePairs(paths.hostViewLinesIfPresent("net/snmp"));
    Map<String, Map<String, Long>> sockstat = ProcTables.keyValueLines(paths.hostViewLinesIfPresent("net/sockstat"));
    sockstat.putAll(ProcTables.keyValueLines(paths.hostViewLinesIfPresent("net/sockstat6")));
    emitSs(out, snmp.getOrDefault("Tcp", Map.of()), sockstat);
    sockstat.forEach((section, pairs) -> {
      String prefix = "sockstat." + section.toLowerCase(java.util.Locale.ROOT) + ".";
      pairs.forEach((key, value) -> out.gauge(prefix + key, "", value));
    });
    Map<String, Long> tcpExt = ProcTables.headerValuePairs(paths.hostViewLinesIfPresent("net/netstat"))
        .getOrDefault("TcpExt", Map.of());
    for (String key : TCP_EXT) {
      Long v = tcpExt.get(key);
      if (v != null) {
        out.counter("TcpExt." + key, "", v);
      }
    }
    Map<String, Long> udp = snmp.getOrDefault("Udp", Map.of());
    for (String key : UDP) {
      Long v = udp.get(key);
      if (v != null) {
        out.counter("snmp.Udp." + key, "", v);
      }
    }
  }

  private void emitSs(SampleEmitter out, Map<String, Long> tcpSnmp, Map<String, Map<String, Long>> sockstat)
      throws IOException {
    Map<String, Long> tcp4 = sockstat.get("TCP");
    if (tcp4 == null) {
      return; // no sockstat: no ss line either
    }
    long tw = tcp4.getOrDefault("tw", 0L);
    long inuse6 = sockstat.getOrDefault("TCP6", Map.of()).getOrDefault("inuse", 0L);
    long closed = tcp4.getOrDefault("alloc", 0L) - (tcp4.getOrDefault("inuse", 0L) + inuse6 - tw);
    Long estab = tcpSnmp.get("CurrEstab");
    if (estab != null) {
      out.gauge("ss.estab", "", estab);
    }
    out.gauge("ss.closed", "", Math.max(0, closed));
    out.gauge("ss.orphaned", "", tcp4.getOrDefault("orphan", 0L));
    out.gauge("ss.timewait", "", tw);
    out.gauge("ss.synrecv", "", tcp.scan(TcpTable.SYNRECV_REFRESH_NANOS).synRecv());
  }
}
