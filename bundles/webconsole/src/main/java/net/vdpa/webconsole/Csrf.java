package net.vdpa.webconsole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The page's defence against cross-site request forgery: each HTTP session gets one random token,
 * the page carries it, and every POST must send it back ({@link #PARAM} or the {@link #HEADER}
 * header). Another site can make a logged-in browser POST to the console (Basic authentication is
 * sent along), but it cannot read the page, so it cannot know the token.
 */
final class Csrf {
  /** Form parameter carrying the token. */
  static final String PARAM = "csrf";
  /** Request header carrying the token (the page's script uses it). */
  static final String HEADER = "X-Vdpa-Csrf";
  /** The session attribute holding the session's token. */
  static final String ATTRIBUTE = "net.vdpa.webconsole.csrf";

  private final SecureRandom random = new SecureRandom();

  /** A new token: 32 random bytes, URL-safe Base64. */
  String newToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Whether a request's token is the session's.
   *
   * @param expected the session's token, or null if the session has none
   * @param sent the token the request sent, or null
   * @return true only if both are present and equal (compared in constant time)
   */
  static boolean matches(String expected, String sent) {
    if (expected == null || sent == null || sent.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
  }
}
