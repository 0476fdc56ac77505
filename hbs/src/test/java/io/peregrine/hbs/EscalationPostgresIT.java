package io.peregrine.hbs;

/** The escalation scenario on the machine's PostgreSQL: a database of its own, dropped after. */
class EscalationPostgresIT extends AbstractEscalationScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
