-- On-call schedules (docs/ALERTING.md, "On-call schedules"): a weekly rotation through an ordered list of users.
-- The shift of users[k mod n] starts at the k-th hand-over: handover_day (1 = Monday .. 7 = Sunday) at
-- handover_minute (minutes after local midnight) in time_zone (an IANA zone id), counting from the first such
-- day on or after starts_on (a local date, yyyy-mm-dd). An action's uic may name a schedule where it names a team.
CREATE TABLE schedule (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  name            VARCHAR(64)   NOT NULL,
  time_zone       VARCHAR(64)   NOT NULL,
  handover_day    INT           NOT NULL,
  handover_minute INT           NOT NULL,
  starts_on       VARCHAR(10)   NOT NULL,
  description     VARCHAR(255)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY uniq_schedule_name (name)
) DEFAULT CHARSET = utf8mb4;

-- The rotation's users in order (seq 0 first). Users are named, not referenced by id: a user deleted later
-- makes that shift an on-call problem hbs reports, rather than a row that vanishes.
CREATE TABLE schedule_member (
  schedule_id BIGINT      NOT NULL,
  seq         INT         NOT NULL,
  user_name   VARCHAR(64) NOT NULL,
  PRIMARY KEY (schedule_id, seq)
) DEFAULT CHARSET = utf8mb4;
