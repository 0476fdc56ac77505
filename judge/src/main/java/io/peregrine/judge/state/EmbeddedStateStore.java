package io.peregrine.judge.state;

import io.peregrine.common.event.AlertEvent;
import io.peregrine.common.lifecycle.Component;
import io.peregrine.judge.eval.LastEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The judge's state on local disk, for all-in-one without Redis: one H2 MVStore file ({@code <dir>/judge-state.mv})
 * mapping {@code "<seriesHash> <ruleKey>"} to {@code "<P|O> <step> <eventTime>"}. Each record is committed as it is
 * written, so a clean stop or a crash keeps every state whose event was handed over (the file format is
 * crash-safe; the operating system may still lose the last second on power loss).
 */
public final class EmbeddedStateStore implements StateStore, Component {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStateStore.class);
  static final String FILE = "judge-state.mv";

  private final Path file;
  private volatile MVStore store;
  private volatile MVMap<String, String> map;

  public EmbeddedStateStore(Path dir) {
    this.file = dir.resolve(FILE);
  }

  @Override
  public String name() {
    return "judge-state";
  }

  @Override
  public void start() {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("judge: cannot create the state directory " + file.getParent(), e);
    }
    store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
    map = store.openMap("state");
    log.info("judge: state of {} rule/series pairs kept in {}", map.size(), file);
  }

  /** Records the state an event leaves behind. */
  public synchronized void record(AlertEvent event) {
    map.put(StateKeys.seriesHash(event.id()) + " " + StateKeys.ruleKey(event.id()), StateKeys.encode(event));
    store.commit();
  }

  @Override
  public Map<String, LastEvent> load(String seriesHash) {
    Map<String, LastEvent> out = new HashMap<>(4);
    String from = seriesHash + " ";
    Iterator<String> keys = map.keyIterator(from);
    while (keys.hasNext()) {
      String key = keys.next();
      if (!key.startsWith(from)) {
        break;
      }
      LastEvent e = StateKeys.decode(map.get(key));
      if (e != null) {
        out.put(key.substring(from.length()), e);
      }
    }
    return out;
  }

  public int size() {
    return map.size();
  }

  @Override
  public synchronized void close() {
    if (store != null && !store.isClosed()) {
      store.close();
    }
  }
}
