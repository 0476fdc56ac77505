package io.peregrine.hbs;

/** The escalation scenario on the machine's MariaDB: a database of its own, dropped after. */
class EscalationMariaDbIT extends AbstractEscalationScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
