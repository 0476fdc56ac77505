package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Export and import of one template or group on H2 in a temp dir. */
class ConfigPiecesH2Test extends AbstractConfigPiecesScenario {
  @TempDir
  Path dbDir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dbDir.resolve(TestDatabase.uniqueName())); // each call a database of its own
  }
}
