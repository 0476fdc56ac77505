package io.peregrine.hbs;

/** Agent identity on H2 (the MySQL migrations). */
class AgentEnrolmentH2Test extends AbstractAgentEnrolmentScenario {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }
}
