-- Overrides of an on-call schedule: user_name is on call from starts_at (inclusive) to ends_at (exclusive), unix
-- seconds, instead of whoever the rotation names. Where overrides overlap, the newest (highest id) wins.
CREATE TABLE schedule_override (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  schedule_id BIGINT        NOT NULL,
  user_name   VARCHAR(64)   NOT NULL,
  starts_at   BIGINT        NOT NULL,
  ends_at     BIGINT        NOT NULL,
  author      VARCHAR(64)   NOT NULL,
  comment     VARCHAR(1024) NOT NULL DEFAULT '',
  created_at  BIGINT        NOT NULL,
  PRIMARY KEY (id),
  KEY idx_schedule_override (schedule_id, ends_at)
) DEFAULT CHARSET = utf8mb4;

-- Silences edited in place (PUT /api/v1/silences/{id}): who edited one last and when (unix seconds); '' and 0 for
-- a silence never edited. author stays the user who created it.
ALTER TABLE silence ADD COLUMN updated_by VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE silence ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
