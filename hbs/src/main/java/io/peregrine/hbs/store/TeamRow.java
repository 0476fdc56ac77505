package io.peregrine.hbs.store;

import java.util.List;

/** A {@code team} row with its users (through {@code rel_team_user}). */
public record TeamRow(long id, String name, String resume, List<UserRow> users) {
}
