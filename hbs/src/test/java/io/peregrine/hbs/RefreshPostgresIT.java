package io.peregrine.hbs;

/** The strategy-set change check on the machine's PostgreSQL: a database of its own, dropped after. */
class RefreshPostgresIT extends AbstractRefreshScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
