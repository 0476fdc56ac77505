-- Agent identity (docs/SECURITY.md "Agent identity"); PostgreSQL version of the MySQL script (keep the two in step).
-- One row per client certificate hbs's CA issued to an agent through POST /api/v1/agents/enroll. serial is the
-- certificate's serial in lower-case hex; issued_at, not_after and revoked_at are unix ms (revoked_at 0 = not
-- revoked); issued_by names the bootstrap token's user and id, or the serial of the certificate that renewed it.
CREATE TABLE agent_certificate (
  serial     VARCHAR(64)   NOT NULL,
  node       VARCHAR(255)  NOT NULL,
  issued_at  BIGINT        NOT NULL,
  not_after  BIGINT        NOT NULL,
  issued_by  VARCHAR(255)  NOT NULL DEFAULT '',
  revoked_at BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (serial)
);
CREATE INDEX idx_agent_certificate_node ON agent_certificate (node, not_after);
CREATE INDEX idx_agent_certificate_revoked ON agent_certificate (revoked_at, not_after);
