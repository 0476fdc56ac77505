package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The silences scenario on H2 (MySQL mode) in a temp dir. */
class SilencesH2Test extends AbstractSilencesScenario {
  @TempDir
  Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir.resolve(TestDatabase.uniqueName()));
  }
}
