package io.peregrine.hbs;

/** Agent identity on the machine's PostgreSQL: a database of its own, dropped after. */
class AgentEnrolmentPostgresIT extends AbstractAgentEnrolmentScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
