package io.peregrine.hbs;

/** The silences scenario on the machine's MariaDB: a database of its own, dropped after. */
class SilencesMariaDbIT extends AbstractSilencesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
