package io.peregrine.hbs;

/** The silences scenario on the machine's PostgreSQL: a schema of its own, dropped after. */
class SilencesPostgresIT extends AbstractSilencesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
