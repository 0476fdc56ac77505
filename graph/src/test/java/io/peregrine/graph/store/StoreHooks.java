package io.peregrine.graph.store;

import java.io.IOException;

/** Test access to a store's internals: a writer that never runs, and a simulated kill. */
public final class StoreHooks {
  private StoreHooks() {}

  public static void openWithoutWriter(GraphStore store) throws IOException {
    store.open(false);
  }

  /** Stops the store as kill -9 would: nothing flushed or closed. */
  public static void kill(GraphStore store) throws IOException {
    store.abandon();
  }
}
