package io.peregrine.sender.message;

/**
 * The texts of one event for every channel.
 *
 * @param sms SMS text, also the console line and the mail subject
 * @param im IM text (the same shape as the SMS)
 * @param mailSubject mail subject
 * @param mailBody mail body, lines ending in CRLF
 * @param mailHtml the mail's HTML part, or empty for a text-only mail
 */
public record Messages(String sms, String im, String mailSubject, String mailBody, String mailHtml) {
  public Messages {
    mailHtml = mailHtml == null ? "" : mailHtml;
  }
}
