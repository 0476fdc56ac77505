package io.peregrine.hbs.store;

import java.util.List;

/** A {@code grp} row with what is bound to it: hosts (by name), templates and plugin directories. */
public record GroupRow(long id, String name, String createUser, List<String> hosts, List<Long> templateIds,
    List<String> pluginDirs) {
}
