-- Logins, API tokens and the audit log (hbs/README.md, "Users, roles and tokens"). user.role already exists
-- (Open-Falcon's uic column): 0 viewer, 1 editor, 2 admin. passwd holds a BCrypt hash; NULL: cannot log in.
ALTER TABLE `user` ADD COLUMN passwd VARCHAR(100) NULL;

-- token_hash is the SHA-256 (hex) of the token; the token itself is shown once and never stored.
CREATE TABLE api_token (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  uid          BIGINT       NOT NULL,
  name         VARCHAR(64)  NOT NULL,
  token_hash   CHAR(64)     NOT NULL,
  scopes       VARCHAR(64)  NOT NULL,
  kind         VARCHAR(8)   NOT NULL DEFAULT 'api',
  created_at   BIGINT       NOT NULL,
  expires_at   BIGINT       NOT NULL DEFAULT 0,
  last_used_at BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY idx_api_token_hash (token_hash),
  KEY idx_api_token_uid (uid)
) DEFAULT CHARSET = utf8mb4;

-- One row per successful write through the admin API: who (user and token), when (unix ms), what (method, path,
-- the entity and its id, the body with secrets masked).
CREATE TABLE audit_log (
  id         BIGINT        NOT NULL AUTO_INCREMENT,
  created_at BIGINT        NOT NULL,
  actor      VARCHAR(64)   NOT NULL,
  token_id   BIGINT        NOT NULL DEFAULT 0,
  method     VARCHAR(8)    NOT NULL,
  path       VARCHAR(255)  NOT NULL,
  entity     VARCHAR(32)   NOT NULL,
  entity_id  BIGINT        NOT NULL DEFAULT 0,
  status     INT           NOT NULL,
  body       VARCHAR(4000) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY idx_audit_log_created_at (created_at),
  KEY idx_audit_log_actor (actor),
  KEY idx_audit_log_entity (entity, entity_id)
) DEFAULT CHARSET = utf8mb4;
