package io.peregrine.dist;

import java.util.Map;

/** Places every component's files under one data directory. */
final class DataDirs {
  private DataDirs() {}

  static void put(Map<String, Object> overrides, String dir) {
    String base = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    overrides.put("graph.dataDir", base + "/graph");
    overrides.put("agent.spoolDir", base + "/agent/spool");
    overrides.put("transfer.queueDir", base + "/transfer/queue");
    overrides.put("judge.stateDir", base + "/judge");
    overrides.put("hbs.jdbcUrl", "jdbc:h2:file:" + base + "/hbs/hbs;MODE=MySQL;DATABASE_TO_LOWER=TRUE;"
        + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;NON_KEYWORDS=VALUE");
    overrides.put("hbs.adminTokenFile", base + "/hbs/admin.token");
  }
}
