-- Per action with escalation steps: after the last step, it is told again every repeat_minutes (0 = never).
CREATE TABLE action_escalation (
  action_id      BIGINT NOT NULL,
  repeat_minutes INT    NOT NULL DEFAULT 0,
  PRIMARY KEY (action_id)
);
