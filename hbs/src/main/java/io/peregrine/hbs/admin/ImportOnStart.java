package io.peregrine.hbs.admin;

import io.peregrine.common.lifecycle.Component;
import io.peregrine.hbs.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hbs.importOnStart}: the YAML file ({@code peregrine hbs export}'s format, e.g. a Kubernetes ConfigMap)
 * imported at every start, before the first strategy set is built, so the store is what the file says. A file that
 * cannot be read or does not import stops the start with the reason (nothing is written then).
 */
public final class ImportOnStart implements Component {
  private static final Logger log = LoggerFactory.getLogger(ImportOnStart.class);

  private final Database db;
  private final Path file;

  public ImportOnStart(Database db, String file) {
    this.db = db;
    this.file = Path.of(file);
  }

  @Override
  public String name() {
    return "hbs-import-on-start";
  }

  @Override
  public void start() throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IOException("hbs.importOnStart: cannot read " + file + ": " + e.getMessage(), e);
    }
    List<String> changes;
    try {
      changes = new ConfigYaml(db).importYaml(text, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("hbs.importOnStart: " + file + " does not import: " + e.getMessage(), e);
    }
    log.info("hbs: imported {} at start: {} change(s)", file, changes.size());
    changes.forEach(c -> log.info("hbs: import: {}", c));
  }

  @Override
  public void close() {
    // nothing held
  }
}
