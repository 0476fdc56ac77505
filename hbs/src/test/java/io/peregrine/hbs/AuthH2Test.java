package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The users, roles and tokens scenario on H2 in a temp dir. */
class AuthH2Test extends AbstractAuthScenario {
  @TempDir
  Path dbDir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dbDir);
  }
}
