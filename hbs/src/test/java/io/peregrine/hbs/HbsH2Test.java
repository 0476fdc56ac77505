package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The scenario on the default database: H2 in MySQL mode, in a temp dir. */
class HbsH2Test extends AbstractHbsScenario {
  @TempDir
  Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }
}
