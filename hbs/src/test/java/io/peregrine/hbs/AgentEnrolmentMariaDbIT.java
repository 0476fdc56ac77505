package io.peregrine.hbs;

/** Agent identity on the machine's MariaDB: a database of its own, dropped after. */
class AgentEnrolmentMariaDbIT extends AbstractAgentEnrolmentScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
