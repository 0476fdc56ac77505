package io.peregrine.hbs;

/** The users, roles and tokens scenario on the machine's PostgreSQL: a database of its own, dropped after. */
class AuthPostgresIT extends AbstractAuthScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
