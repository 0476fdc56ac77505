package io.peregrine.hbs;

/** The scenario on the machine's PostgreSQL (127.0.0.1:5432, db test): a schema of its own, dropped after. */
class HbsPostgresIT extends AbstractHbsScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
