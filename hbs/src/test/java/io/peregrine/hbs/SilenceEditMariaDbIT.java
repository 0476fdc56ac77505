package io.peregrine.hbs;

/** The silence-edit scenario on the machine's MariaDB: a database of its own, dropped after. */
class SilenceEditMariaDbIT extends AbstractSilenceEditScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
