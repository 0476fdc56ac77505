-- Escalation steps of an action (docs/ALERTING.md): after after_minutes unacknowledged, tell team (a team name, or
-- whatever else hbs's receiver lookup resolves by name) by channel (sms, im, mail). step_no orders the steps
-- (0 first); after_minutes rises with step_no. Checked by hbs before they are written.
CREATE TABLE action_escalation_step (
  action_id     BIGINT       NOT NULL,
  step_no       INT          NOT NULL,
  after_minutes INT          NOT NULL,
  team          VARCHAR(255) NOT NULL,
  channel       VARCHAR(16)  NOT NULL,
  PRIMARY KEY (action_id, step_no)
) DEFAULT CHARSET = utf8mb4;
