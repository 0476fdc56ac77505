package io.peregrine.hbs;

/** The schedules scenario on the machine's MariaDB: a database of its own, dropped after. */
class SchedulesMariaDbIT extends AbstractSchedulesScenario {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
