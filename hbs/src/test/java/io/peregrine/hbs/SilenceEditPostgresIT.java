package io.peregrine.hbs;

/** The silence-edit scenario on the machine's PostgreSQL: a schema of its own, dropped after. */
class SilenceEditPostgresIT extends AbstractSilenceEditScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
