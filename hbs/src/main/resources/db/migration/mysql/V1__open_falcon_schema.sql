-- Open-Falcon's portal and uic tables (falcon-plus scripts/mysql/db_schema), same table and column names, in one
-- database. Used by MariaDB, MySQL and H2 in MODE=MySQL. Differences from Open-Falcon, all additive:
--   ids are BIGINT; grp_host and grp_tpl have primary keys (Open-Falcon allowed duplicate bindings);
--   ip is 64 characters (IPv6), strategy.func 32, strategy.note 1024; update_at is written by hbs from its clock.
-- `user` is quoted everywhere: PostgreSQL and H2 reserve the word.

CREATE TABLE host (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  hostname       VARCHAR(255) NOT NULL,
  ip             VARCHAR(64)  NOT NULL DEFAULT '',
  agent_version  VARCHAR(64)  NOT NULL DEFAULT '',
  plugin_version VARCHAR(128) NOT NULL DEFAULT '',
  maintain_begin BIGINT       NOT NULL DEFAULT 0,
  maintain_end   BIGINT       NOT NULL DEFAULT 0,
  update_at      TIMESTAMP    NULL,
  PRIMARY KEY (id),
  UNIQUE KEY idx_host_hostname (hostname)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE grp (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  grp_name    VARCHAR(255) NOT NULL,
  create_user VARCHAR(64)  NOT NULL DEFAULT '',
  come_from   SMALLINT     NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY idx_grp_grp_name (grp_name)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE grp_host (
  grp_id  BIGINT NOT NULL,
  host_id BIGINT NOT NULL,
  PRIMARY KEY (grp_id, host_id),
  KEY idx_grp_host_host_id (host_id)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE tpl (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  tpl_name    VARCHAR(255) NOT NULL,
  parent_id   BIGINT       NOT NULL DEFAULT 0,
  action_id   BIGINT       NOT NULL DEFAULT 0,
  create_user VARCHAR(64)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY idx_tpl_name (tpl_name)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE grp_tpl (
  grp_id    BIGINT      NOT NULL,
  tpl_id    BIGINT      NOT NULL,
  bind_user VARCHAR(64) NOT NULL DEFAULT '',
  PRIMARY KEY (grp_id, tpl_id),
  KEY idx_grp_tpl_tpl_id (tpl_id)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE strategy (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  metric      VARCHAR(255)  NOT NULL,
  tags        VARCHAR(512)  NOT NULL DEFAULT '',
  max_step    INT           NOT NULL DEFAULT 1,
  priority    SMALLINT      NOT NULL DEFAULT 0,
  func        VARCHAR(32)   NOT NULL DEFAULT 'all(#1)',
  op          VARCHAR(8)    NOT NULL DEFAULT '',
  right_value VARCHAR(64)   NOT NULL,
  note        VARCHAR(1024) NOT NULL DEFAULT '',
  run_begin   VARCHAR(16)   NOT NULL DEFAULT '',
  run_end     VARCHAR(16)   NOT NULL DEFAULT '',
  tpl_id      BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY idx_strategy_tpl_id (tpl_id)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE expression (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  expression  VARCHAR(1024) NOT NULL,
  func        VARCHAR(32)   NOT NULL DEFAULT 'all(#1)',
  op          VARCHAR(8)    NOT NULL DEFAULT '',
  right_value VARCHAR(64)   NOT NULL DEFAULT '',
  max_step    INT           NOT NULL DEFAULT 1,
  priority    SMALLINT      NOT NULL DEFAULT 0,
  note        VARCHAR(1024) NOT NULL DEFAULT '',
  action_id   BIGINT        NOT NULL DEFAULT 0,
  create_user VARCHAR(64)   NOT NULL DEFAULT '',
  pause       SMALLINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE action (
  id                   BIGINT       NOT NULL AUTO_INCREMENT,
  uic                  VARCHAR(255) NOT NULL DEFAULT '',
  url                  VARCHAR(255) NOT NULL DEFAULT '',
  callback             SMALLINT     NOT NULL DEFAULT 0,
  before_callback_sms  SMALLINT     NOT NULL DEFAULT 0,
  before_callback_mail SMALLINT     NOT NULL DEFAULT 0,
  after_callback_sms   SMALLINT     NOT NULL DEFAULT 0,
  after_callback_mail  SMALLINT     NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE plugin_dir (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  grp_id      BIGINT       NOT NULL,
  dir         VARCHAR(255) NOT NULL,
  create_user VARCHAR(64)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY idx_plugin_dir_grp_id (grp_id)
) DEFAULT CHARSET = utf8mb4;

-- nodata configs; stored for compatibility, not read by hbs yet
CREATE TABLE mockcfg (
  id       BIGINT        NOT NULL AUTO_INCREMENT,
  name     VARCHAR(255)  NOT NULL,
  obj      VARCHAR(10240) NOT NULL DEFAULT '',
  obj_type VARCHAR(255)  NOT NULL DEFAULT '',
  metric   VARCHAR(255)  NOT NULL DEFAULT '',
  tags     VARCHAR(1024) NOT NULL DEFAULT '',
  dstype   VARCHAR(32)   NOT NULL DEFAULT 'GAUGE',
  step     INT           NOT NULL DEFAULT 60,
  mock     DOUBLE        NOT NULL DEFAULT 0,
  creator  VARCHAR(64)   NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY idx_mockcfg_name (name)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE team (
  id      BIGINT       NOT NULL AUTO_INCREMENT,
  name    VARCHAR(64)  NOT NULL,
  resume  VARCHAR(255) NOT NULL DEFAULT '',
  creator BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY idx_team_name (name)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE `user` (
  id     BIGINT       NOT NULL AUTO_INCREMENT,
  name   VARCHAR(64)  NOT NULL,
  cnname VARCHAR(128) NOT NULL DEFAULT '',
  email  VARCHAR(255) NOT NULL DEFAULT '',
  phone  VARCHAR(32)  NOT NULL DEFAULT '',
  im     VARCHAR(64)  NOT NULL DEFAULT '',
  qq     VARCHAR(16)  NOT NULL DEFAULT '',
  role   SMALLINT     NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY idx_user_name (name)
) DEFAULT CHARSET = utf8mb4;

CREATE TABLE rel_team_user (
  tid BIGINT NOT NULL,
  uid BIGINT NOT NULL,
  PRIMARY KEY (tid, uid),
  KEY idx_rel_uid (uid)
) DEFAULT CHARSET = utf8mb4;
