package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The strategy-set change check on H2 in a temp dir. */
class RefreshH2Test extends AbstractRefreshScenario {
  @TempDir
  Path dbDir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dbDir);
  }
}
