package io.peregrine.sender.channel;

import io.peregrine.sender.receiver.Person;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Mail straight to an SMTP server (Angus Mail), for sites without Open-Falcon's mail gateway: one message per notice
 * to all its addresses, subject and body as the gateway's, as {@code multipart/alternative} (the text, then the same
 * as an HTML table), subject and body in UTF-8 (Chinese notes arrive intact). Plain SMTP, STARTTLS (required, not
 * just attempted) or implicit TLS; a digest flush sends all its mails over one connection. A 5xx answer to the
 * message or a recipient is permanent (not retried).
 */
public final class SmtpChannel implements Channel {
  /** How the connection is secured. */
  public enum Security {
    PLAIN,
    STARTTLS,
    IMPLICIT_TLS;

    public static Security of(boolean startTls, boolean implicitTls) {
      return implicitTls ? IMPLICIT_TLS : startTls ? STARTTLS : PLAIN;
    }
  }

  private final Session session;
  private final InternetAddress from;
  private final String server;

  /** @param trust hosts whose certificate is accepted without a CA check ({@code *} = any); empty = verify */
  SmtpChannel(String host, int port, String user, String password, String from, Security security, String trust,
      Duration timeout) {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", String.valueOf(port));
    String ms = String.valueOf(timeout.toMillis());
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    if (security == Security.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    } else if (security == Security.IMPLICIT_TLS) {
      p.put("mail.smtp.ssl.enable", "true");
    }
    if (security != Security.PLAIN) {
      // the certificate must match the host unless the operator named it trusted
      p.put("mail.smtp.ssl.checkserveridentity", String.valueOf(trust == null || trust.isEmpty()));
      if (trust != null && !trust.isEmpty()) {
        p.put("mail.smtp.ssl.trust", trust);
      }
    }
    Authenticator auth = null;
    if (!user.isEmpty()) {
      p.put("mail.smtp.auth", "true");
      auth = new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
          return new PasswordAuthentication(user, password);
        }
      };
    }
    this.session = Session.getInstance(p, auth);
    this.server = host + ":" + port;
    try {
      this.from = new InternetAddress(from, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("sender.smtpFrom is not a mail address: '" + from + "'", e);
    }
  }

  @Override
  public String name() {
    return "smtp";
  }

  @Override
  public Family family() {
    return Family.MAIL;
  }

  @Override
  public java.util.function.Function<Person, String> contact() {
    return Person::email;
  }

  @Override
  public void send(Notice notice) throws ChannelException {
    ChannelException e = sendAll(List.of(notice)).get(0);
    if (e != null) {
      throw e;
    }
  }

  /** Every notice over one connection (a digest flush to many receivers is one SMTP session). */
  @Override
  public List<ChannelException> sendAll(List<Notice> notices) {
    List<ChannelException> out = new java.util.ArrayList<>(notices.size());
    Transport transport = null;
    try {
      transport = session.getTransport("smtp");
      transport.connect();
      for (Notice n : notices) {
        try {
          MimeMessage m = message(n);
          transport.sendMessage(m, m.getAllRecipients());
          out.add(null);
        } catch (MessagingException e) {
          out.add(new ChannelException("smtp " + server + " failed: " + e.getMessage(), e, permanent(e)));
        }
      }
    } catch (MessagingException e) {
      ChannelException failure = new ChannelException("smtp " + server + " failed: " + e.getMessage(), e,
          permanent(e));
      while (out.size() < notices.size()) {
        out.add(failure);
      }
    } finally {
      if (transport != null) {
        try {
          transport.close();
        } catch (MessagingException e) {
          // the messages are sent or failed already; a failed QUIT changes nothing
        }
      }
    }
    return out;
  }

  private MimeMessage message(Notice notice) throws MessagingException {
    List<String> tos = notice.to();
    {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(from);
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", tos)));
      m.setSubject(notice.messages().mailSubject(), StandardCharsets.UTF_8.name());
      String html = notice.messages().mailHtml();
      if (html.isEmpty()) {
        m.setText(notice.messages().mailBody(), StandardCharsets.UTF_8.name());
      } else {
        // text first, HTML last: a client shows the richest part it can, and a plain one still reads the text
        MimeBodyPart text = new MimeBodyPart();
        text.setText(notice.messages().mailBody(), StandardCharsets.UTF_8.name());
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, StandardCharsets.UTF_8.name(), "html");
        MimeMultipart both = new MimeMultipart("alternative");
        both.addBodyPart(text);
        both.addBodyPart(rich);
        m.setContent(both);
      }
      m.setSentDate(new Date());
      m.saveChanges();
      return m;
    }
  }

  /** A 5xx reply to the message or its recipients is a refusal that a retry would meet again. */
  private static boolean permanent(MessagingException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException f && f.getReturnCode() >= 500) {
        return true;
      }
      if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException f && f.getReturnCode() >= 500) {
        return true;
      }
    }
    return false;
  }
}
