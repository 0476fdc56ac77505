package io.peregrine.hbs;

/** The versioned host liveness on the machine's MariaDB: a database of its own, dropped after. */
class LivenessMariaDbIT extends AbstractLivenessScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
