package io.peregrine.hbs;

/** The versioned host liveness on the machine's PostgreSQL: a database of its own, dropped after. */
class LivenessPostgresIT extends AbstractLivenessScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
