package io.peregrine.agent.collect;

/**
 * One group of built-in metrics (cpu.*, mem.*, ...). Called on the single collection thread, one at a time, so an
 * implementation may keep the previous snapshot in plain fields. An exception fails this collector for this round
 * only: the loop counts and logs it and the other collectors still run.
 */
public interface Collector {
  /** Short name for logs and the collected{collector} meter: "cpu", "mem". */
  String name();

  void collect(SampleEmitter out) throws Exception;
}
