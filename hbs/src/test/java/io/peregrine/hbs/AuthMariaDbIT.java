package io.peregrine.hbs;

/** The users, roles and tokens scenario on the machine's MariaDB: a database of its own, dropped after. */
class AuthMariaDbIT extends AbstractAuthScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
