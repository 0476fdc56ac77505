package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The admin API scenario on H2 (MySQL mode) in a temp dir, paging through 100,000 hosts. */
class AdminApiH2Test extends AbstractAdminApiScenario {
  @TempDir
  Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir.resolve(TestDatabase.uniqueName())); // each call a database of its own
  }

  @Override
  int manyHosts() {
    return 100_000;
  }
}
