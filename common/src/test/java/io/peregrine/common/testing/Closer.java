package io.peregrine.common.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test started, closed newest first (a server before the client it was given, and so on). */
public final class Closer implements AutoCloseable {
  private final List<AutoCloseable> started = new ArrayList<>();

  public <T extends AutoCloseable> T later(T t) {
    started.add(t);
    return t;
  }

  @Override
  public void close() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    started.clear();
  }
}
