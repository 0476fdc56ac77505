package io.peregrine.hbs;

/** The admin API scenario on the machine's MariaDB: a database of its own, dropped after. */
class AdminApiMariaDbIT extends AbstractAdminApiScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }

  @Override
  int manyHosts() {
    return 20_000;
  }
}
