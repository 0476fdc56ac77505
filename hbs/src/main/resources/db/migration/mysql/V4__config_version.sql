-- One counter that every write of the monitoring configuration bumps (admin API, import, new hosts), so hbs's
-- periodic check reads one row instead of rebuilding the whole strategy set when nothing changed
-- (hbs/README.md, "Strategy set"). A write in SQL by hand should bump it too:
--   UPDATE config_version SET version = version + 1 WHERE id = 1;
CREATE TABLE config_version (
  id      INT    NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (id)
);
INSERT INTO config_version (id, version) VALUES (1, 1);
