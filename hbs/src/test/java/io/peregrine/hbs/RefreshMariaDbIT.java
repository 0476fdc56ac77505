package io.peregrine.hbs;

/** The strategy-set change check on the machine's MariaDB: a database of its own, dropped after. */
class RefreshMariaDbIT extends AbstractRefreshScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
