-- Silences (docs/ALERTING.md): while starts_at <= now < ends_at (unix seconds), the sender tells nobody about an
-- event every matcher of the silence matches. matchers is a JSON array of {"name","value","regex"}, checked by hbs
-- before it is written. Expired silences stay (an expiry sets ends_at to the time it was asked).
CREATE TABLE silence (
  id         BIGINT        NOT NULL AUTO_INCREMENT,
  matchers   TEXT          NOT NULL,
  starts_at  BIGINT        NOT NULL,
  ends_at    BIGINT        NOT NULL,
  author     VARCHAR(64)   NOT NULL,
  comment    VARCHAR(1024) NOT NULL DEFAULT '',
  created_at BIGINT        NOT NULL,
  PRIMARY KEY (id),
  KEY idx_silence_ends_at (ends_at)
) DEFAULT CHARSET = utf8mb4;
