-- Escalation steps of an action (docs/ALERTING.md); PostgreSQL version of the MySQL script (keep the two in step).
-- After after_minutes unacknowledged, tell team by channel (sms, im, mail); step_no orders the steps (0 first).
CREATE TABLE action_escalation_step (
  action_id     BIGINT       NOT NULL,
  step_no       INT          NOT NULL,
  after_minutes INT          NOT NULL,
  team          VARCHAR(255) NOT NULL,
  channel       VARCHAR(16)  NOT NULL,
  PRIMARY KEY (action_id, step_no)
);
