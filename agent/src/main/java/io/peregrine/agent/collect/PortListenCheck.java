package io.peregrine.agent.collect;

import java.io.IOException;

/** net.port.listen [port=N]: 1 when a TCP socket listens on N or a UDP socket is bound to it, else 0. */
final class PortListenCheck implements Collector {
  private final BuiltinChecks checks;
  private final TcpTable tcp;

  PortListenCheck(BuiltinChecks checks, TcpTable tcp) {
    this.checks = checks;
    this.tcp = tcp;
  }

  @Override
  public String name() {
    return "port";
  }

  @Override
  public void collect(SampleEmitter out) throws IOException {
    var ports = checks.current().ports();
    if (ports.isEmpty()) {
      return;
    }
    TcpTable.Snapshot s = tcp.scan();
    for (BuiltinChecks.Port p : ports) {
      out.gauge("net.port.listen", p.tags(), s.listens(p.port()) ? 1 : 0);
    }
  }
}
