package io.peregrine.hbs;

/** Export and import of one template or group on the machine's PostgreSQL: a database of its own, dropped after. */
class ConfigPiecesPostgresIT extends AbstractConfigPiecesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
