package io.peregrine.hbs;

/** The incident history scenario on the machine's PostgreSQL: a schema of its own, dropped after. */
class IncidentHistoryPostgresIT extends AbstractIncidentHistoryScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
