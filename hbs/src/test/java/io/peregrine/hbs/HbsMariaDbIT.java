package io.peregrine.hbs;

/** The scenario on the machine's MariaDB (127.0.0.1:3306, root): a database of its own, dropped after. */
class HbsMariaDbIT extends AbstractHbsScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
