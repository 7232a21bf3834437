package net.vdpa.webconsole;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * One request and its response, as {@link PluginCore} needs them, whichever servlet API carries
 * them ({@link JakartaPlugin} for Felix Web Console 5, {@link JavaxPlugin} for Karaf 4.4's).
 */
interface Exchange {
  /** The request URI (path only). */
  String uri();

  /** A form or query parameter, or null. */
  String parameter(String name);

  /** A request header, or null. */
  String header(String name);

  /** The console's root path ({@code /system/console}). */
  String appRoot();

  /** Who is logged in, for the log; may be null. */
  String remoteUser();

  /** The client's address, for the log. */
  String remoteAddr();

  /** The session's CSRF token, or null if the request has no session or the session none. */
  String csrfToken();

  /** The session's CSRF token, creating the session and the token if needed. */
  String csrfToken(Supplier<String> newToken);

  /** Starts the response: status, content type (UTF-8) and no caching. */
  void start(int status, String contentType) throws IOException;

  /** The response body. */
  PrintWriter writer() throws IOException;

  /** Pushes what was written to the client. */
  void flush() throws IOException;

  /** Answers 404. */
  void notFound() throws IOException;
}
