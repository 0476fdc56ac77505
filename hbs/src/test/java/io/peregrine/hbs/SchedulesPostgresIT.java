package io.peregrine.hbs;

/** The schedules scenario on the machine's PostgreSQL: a schema of its own, dropped after. */
class SchedulesPostgresIT extends AbstractSchedulesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
