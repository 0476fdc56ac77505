package io.peregrine.graph.store;

import java.io.IOException;

/** Test access to a store whose writer never runs, so that its queue only fills. */
public final class StoreHooks {
  private StoreHooks() {}

  public static void openWithoutWriter(GraphStore store) throws IOException {
    store.open(false);
  }
}
