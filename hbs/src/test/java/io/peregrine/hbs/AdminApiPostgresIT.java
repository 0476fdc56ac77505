package io.peregrine.hbs;

/** The admin API scenario on the machine's PostgreSQL: a schema of its own, dropped after. */
class AdminApiPostgresIT extends AbstractAdminApiScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }

  @Override
  int manyHosts() {
    return 20_000;
  }
}
