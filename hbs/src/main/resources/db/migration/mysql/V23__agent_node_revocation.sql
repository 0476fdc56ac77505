-- Revocation by node name (docs/SECURITY.md "Agent identity"): a node listed here gets no certificate, neither by
-- renewal nor by a bootstrap token, until an admin lifts it (DELETE /api/v1/agents/{node}/revocation). revoked_at is
-- unix ms; revoked_by is the admin's user name.
CREATE TABLE agent_node_revocation (
  node       VARCHAR(255)  NOT NULL,
  revoked_at BIGINT        NOT NULL,
  revoked_by VARCHAR(255)  NOT NULL DEFAULT '',
  PRIMARY KEY (node)
) DEFAULT CHARSET = utf8mb4;
