-- The console's dashboards (docs/CONSOLE.md): saved sets of graphs, each chosen by an endpoint pattern and a counter
-- pattern; graphs is the JSON array the API takes and answers (at most 64 KiB). updated_at is unix s.
CREATE TABLE dashboard (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  name        VARCHAR(255)  NOT NULL,
  description VARCHAR(1024) NOT NULL DEFAULT '',
  graphs      TEXT          NOT NULL,
  updated_by  VARCHAR(64)   NOT NULL DEFAULT '',
  updated_at  BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY idx_dashboard_name (name)
) DEFAULT CHARSET = utf8mb4;
