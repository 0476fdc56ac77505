package io.peregrine.sender.receiver;

/**
 * An action's callback, as hbs gives it (Open-Falcon's {@code action.url} with {@code callback = 1}): the URL the
 * event is POSTed to, and whether the texts (SMS, IM, chats) and the mails go before and/or after that call.
 */
public record Callback(String url, boolean beforeSms, boolean beforeMail, boolean afterSms, boolean afterMail) {}
