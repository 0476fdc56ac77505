-- Incident history (docs/ALERTING.md): one row per thing that happened to an incident, written by the senders
-- through Hbs.RecordIncidentEvents, read through GET /api/v1/incident-events, deleted after hbs.incidentRetention.
-- happened_at is unix ms.
CREATE TABLE incident_event (
  id         BIGINT        NOT NULL AUTO_INCREMENT,
  event_id   VARCHAR(255)  NOT NULL,
  kind       VARCHAR(16)   NOT NULL,
  happened_at BIGINT       NOT NULL,
  endpoint   VARCHAR(255)  NOT NULL DEFAULT '',
  metric     VARCHAR(255)  NOT NULL DEFAULT '',
  priority   INT           NOT NULL DEFAULT 0,
  step       INT           NOT NULL DEFAULT 0,
  channel    VARCHAR(32)   NOT NULL DEFAULT '',
  receiver   VARCHAR(1024) NOT NULL DEFAULT '',
  result     VARCHAR(16)   NOT NULL DEFAULT '',
  detail     VARCHAR(1024) NOT NULL DEFAULT '',
  sender     VARCHAR(128)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY idx_incident_event_event (event_id, happened_at),
  KEY idx_incident_event_at (happened_at)
) DEFAULT CHARSET = utf8mb4;
