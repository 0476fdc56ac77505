package io.peregrine.hbs.store;

import org.jdbi.v3.core.mapper.RowMapper;

/**
 * An {@code action} row: {@code uic} lists team names separated by commas; {@code url} is called when
 * {@code callback} is on, with SMS/mail sent before and/or after it as the flags say.
 */
public record ActionRow(long id, String uic, String url, boolean callback, boolean beforeCallbackSms,
    boolean beforeCallbackMail, boolean afterCallbackSms, boolean afterCallbackMail) {

  static final String COLUMNS = "id, uic, url, callback, before_callback_sms, before_callback_mail, "
      + "after_callback_sms, after_callback_mail";

  static final RowMapper<ActionRow> MAPPER = (rs, ctx) -> new ActionRow(rs.getLong("id"), rs.getString("uic"),
      rs.getString("url"), rs.getInt("callback") != 0, rs.getInt("before_callback_sms") != 0,
      rs.getInt("before_callback_mail") != 0, rs.getInt("after_callback_sms") != 0,
      rs.getInt("after_callback_mail") != 0);
}
