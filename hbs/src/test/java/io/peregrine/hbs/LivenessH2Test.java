package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The versioned host liveness on H2 in a temp dir. */
class LivenessH2Test extends AbstractLivenessScenario {
  @TempDir
  Path dbDir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dbDir);
  }
}
