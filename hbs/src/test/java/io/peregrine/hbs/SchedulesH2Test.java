package io.peregrine.hbs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The schedules scenario on H2 (MySQL mode) in a temp dir. */
class SchedulesH2Test extends AbstractSchedulesScenario {
  @TempDir
  Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir.resolve(TestDatabase.uniqueName()));
  }
}
