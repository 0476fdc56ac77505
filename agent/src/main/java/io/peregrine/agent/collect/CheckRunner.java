package io.peregrine.agent.collect;

import io.micrometer.core.instrument.MeterRegistry;
import io.peregrine.common.lifecycle.Component;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs the checks hbs hands out (net.port.listen, proc.num, du.bs, url.check.health: {@link BuiltinChecks}) every
 * {@code interval} on a collection loop of its own ({@code agent-checks}), so a slow directory walk or URL never
 * delays the built-in metrics. The set in force is read at the start of each collector's round: a heartbeat that
 * changes it applies from the next round.
 */
public final class CheckRunner implements Component {
  private final DuCheck du;
  private final UrlHealthCheck url;
  private final CollectLoop loop;

  public CheckRunner(BuiltinChecks checks, HostPaths paths, TcpTable tcp, String endpoint, Duration interval,
      Duration duBudget, Clock clock, SampleSink sink, MeterRegistry registry) {
    this.du = new DuCheck(checks, paths, duBudget, System::nanoTime);
    this.url = new UrlHealthCheck(checks);
    List<Collector> collectors = List.of(new PortListenCheck(checks, tcp), new ProcNumCheck(checks, paths), du, url);
    this.loop = new CollectLoop("agent-checks", collectors, endpoint, interval, clock, sink, registry);
  }

  @Override
  public String name() {
    return "agent-checks";
  }

  @Override
  public void start() {
    loop.start();
  }

  /** One round now (tests). */
  public boolean runOnce() {
    return loop.runOnce();
  }

  @Override
  public void close() {
    loop.close();
    du.close();
    url.close();
  }
}
