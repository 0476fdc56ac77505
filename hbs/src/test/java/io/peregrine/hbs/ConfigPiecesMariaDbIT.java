package io.peregrine.hbs;

/** Export and import of one template or group on the machine's MariaDB: a database of its own, dropped after. */
class ConfigPiecesMariaDbIT extends AbstractConfigPiecesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
