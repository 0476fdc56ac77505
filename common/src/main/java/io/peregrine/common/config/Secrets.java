package io.peregrine.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which config keys hold secrets, how their {@code file:} and {@code env:} forms are read, and how secrets are
 * hidden in what Peregrine prints. A secret key is one whose name ends in {@code password}, {@code secret} or
 * {@code token} ({@code hbs.jdbcPassword}, {@code sender.smtpPassword}, {@code sender.dingtalkSecret},
 * {@code graph.auth.token}, ...); URLs ({@code ...Url}, {@code ...Urls}) are printed with the password of their
 * user part and the values of credential-like query parameters ({@code access_token}, {@code key}, {@code sign},
 * ...) masked. Secret keys and URL keys both take {@code file:/path} and {@code env:NAME}.
 */
public final class Secrets {
  public static final String REDACTED = "<redacted>";
  /** A secret file is a password or a token, not a document; a larger file is a wrong path. */
  static final int MAX_FILE_BYTES = 64 * 1024;

  private static final Pattern URL_USERINFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@?#]*)@");
  private static final Pattern URL_QUERY_SECRET = Pattern.compile(
      "([?&;](?:[^=&;#]*(?:token|secret|key|sign|password|passwd|pwd|auth|signature)[^=&;#]*)=)([^&;#]*)",
      Pattern.CASE_INSENSITIVE);

  private Secrets() {}

  /** True for a key whose value is a secret, by its last name ({@code sender.smtpPassword}). */
  public static boolean isSecretKey(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return last.endsWith("password") || last.endsWith("secret") || last.endsWith("token");
  }

  /** True for a key holding a URL or a list of them ({@code sender.webhookUrl}, {@code transfer.remoteWriteUrls}). */
  public static boolean isUrlKey(String key) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return last.endsWith("url") || last.endsWith("urls");
  }

  /**
   * The value of a secret key: {@code file:/path} is the file's content (one trailing newline dropped, as
   * {@code echo} and Kubernetes Secrets leave it), {@code env:NAME} the variable's value, anything else itself.
   *
   * @throws ConfigException naming the key and the file or variable (never the value) when it cannot be read
   */
  public static String resolve(String key, String value, Map<String, String> env) {
    if (value == null) {
      return null;
    }
    if (value.startsWith("file:")) {
      Path file = Path.of(value.substring("file:".length()).trim());
      try {
        if (Files.size(file) > MAX_FILE_BYTES) {
          throw new ConfigException(key + ": secret file " + file + " is over " + MAX_FILE_BYTES + " bytes");
        }
        return stripNewline(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ConfigException(key + ": cannot read secret file " + file + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
      }
    }
    if (value.startsWith("env:")) {
      String name = value.substring("env:".length()).trim();
      String v = env.get(name);
      if (v == null) {
        throw new ConfigException(key + ": environment variable " + name + " (named by env:" + name + ") is not set");
      }
      return v;
    }
    return value;
  }

  /** What to print for a value of {@code key}: secrets as {@link #REDACTED} (empty stays empty), URLs masked. */
  public static String redact(String key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    if (isSecretKey(key)) {
      return REDACTED;
    }
    return isUrlKey(key) ? redactUrl(value) : value;
  }

  /** A URL with the password of its user part and credential-like query values replaced. */
  public static String redactUrl(String url) {
    Matcher m = URL_USERINFO.matcher(url);
    String out = url;
    if (m.find()) {
      String userinfo = m.group(2);
      int colon = userinfo.indexOf(':');
      // redis://:pw@host has no user: the whole part is the password; user:pw keeps the user
      String masked = colon < 0 ? (url.startsWith("redis") ? REDACTED : userinfo)
          : userinfo.substring(0, colon) + ":" + REDACTED;
      out = m.group(1) + masked + "@" + url.substring(m.end());
    }
    return URL_QUERY_SECRET.matcher(out).replaceAll(r -> Matcher.quoteReplacement(r.group(1) + REDACTED));
  }

  private static String stripNewline(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
