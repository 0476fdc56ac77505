package io.peregrine.hbs;

/** The incident history scenario on the machine's MariaDB: a database of its own, dropped after. */
class IncidentHistoryMariaDbIT extends AbstractIncidentHistoryScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
