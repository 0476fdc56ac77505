package io.peregrine.hbs;

import io.peregrine.common.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real hbs (HTTP and gRPC ports) on one database per test, on a manual clock starting at {@link HbsHarness#NOW}:
 * the setup the silence and schedule scenarios share.
 */
abstract class ClockedHbsScenario {
  static final String PASSWORD = "a-long-enough-password";
  final ManualClock clock = new ManualClock(HbsHarness.NOW);
  final long now = HbsHarness.NOW.getEpochSecond();
  TestDatabase db;
  HbsHarness hbs;

  abstract TestDatabase openDatabase() throws Exception;

  @BeforeEach
  void open() throws Exception {
    db = openDatabase();
    hbs = new HbsHarness(HbsHarness.config(db), clock);
  }

  @AfterEach
  void close() throws Exception {
    hbs.close();
    db.close();
  }

  /** A user of that role with {@link #PASSWORD}, signed in: its session token. */
  String user(String name, String role) throws Exception {
    long id = hbs.create("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    hbs.put("/api/v1/users/" + id + "/password", "{\"password\":\"" + PASSWORD + "\"}");
    return hbs.as(null, "POST", "/api/v1/auth/login", "{\"name\":\"" + name + "\",\"password\":\"" + PASSWORD
        + "\"}").json().get("token").asText();
  }
}
