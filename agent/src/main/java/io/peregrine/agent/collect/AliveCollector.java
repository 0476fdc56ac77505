package io.peregrine.agent.collect;

/** agent.alive = 1 every round: the series a nodata or "all(#3) == 0"-style strategy watches for a dead agent. */
final class AliveCollector implements Collector {
  @Override
  public String name() {
    return "agent";
  }

  @Override
  public void collect(SampleEmitter out) {
    out.gauge("agent.alive", "", 1);
  }
}
