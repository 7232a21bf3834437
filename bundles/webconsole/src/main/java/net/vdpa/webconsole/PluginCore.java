package net.vdpa.webconsole;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.log.EventLog;

/**
 * What the vDPA tab answers, whichever servlet API brings the request (the adapters {@link
 * JakartaPlugin} and {@link JavaxPlugin} only translate). The console wraps the page in its own
 * frame and checks its own login; requests for a name with an extension reach the plugin
 * undecorated:
 * <ul>
 *   <li>{@code GET vdpa} the page (its script draws everything from the JSON below);
 *   <li>{@code GET vdpa/state.json} the picture ({@link BusView}) and the rates;
 *   <li>{@code GET vdpa/events.stream} server-sent events: {@code bus} after every bus event, {@code rates} each second;
 *   <li>{@code GET vdpa/res/...} the script and style sheet, served by the console from this bundle;
 *   <li>{@code POST vdpa/action.json} bind, unbind, override, add, del ({@link Actions}), each with
 *       the session's {@link Csrf} token; without it: 403 and nothing done.
 * </ul>
 */
final class PluginCore {
  /** The plugin's label: its path under the console. */
  static final String LABEL = "vdpa";
  /** The tab's title. */
  static final String TITLE = "vDPA";

  private final VdpaBus bus;
  private final LiveState live;
  private final Supplier<VdpaDeviceStore> store;
  private final EventLog log;
  private final Csrf csrf = new Csrf();

  PluginCore(VdpaBus bus, LiveState live, Supplier<VdpaDeviceStore> store, EventLog log) {
    this.bus = bus;
    this.live = live;
    this.store = store;
    this.log = log;
  }

  void get(Exchange x) throws IOException {
    String uri = x.uri();
    if (uri.endsWith("/" + LABEL + "/state.json")) {
      json(x, 200, live.stateJson());
    } else if (uri.endsWith("/" + LABEL + "/events.stream")) {
      x.start(200, "text/event-stream");
      live.stream().serve(x.writer(), live::firstFrames, x::flush);
    } else if (uri.endsWith("/" + LABEL) || uri.endsWith("/" + LABEL + "/")) {
      page(x);
    } else {
      x.notFound();
    }
  }

  private void page(Exchange x) throws IOException {
    String base = x.appRoot() + "/" + LABEL;
    PrintWriter w = x.writer();
    w.println("<div id='vdpa' data-base=" + attr(base) + " data-csrf=" + attr(x.csrfToken(csrf::newToken)) + ">");
    w.println("<p class='vdpa-error' id='vdpa-error' role='alert'></p>");
    w.println("<noscript>The vDPA picture is drawn by a script: enable JavaScript.</noscript>");
    w.println("</div>");
    w.println("<script src=" + attr(base + "/res/vdpa.js") + "></script>");
  }

  /** An HTML attribute value, quoted and escaped. */
  static String attr(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (char c : value.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  void post(Exchange x) throws IOException {
    if (!x.uri().endsWith("/" + LABEL + "/action.json")) {
      x.notFound();
      return;
    }
    String sent = x.header(Csrf.HEADER) != null ? x.header(Csrf.HEADER) : x.parameter(Csrf.PARAM);
    if (!Csrf.matches(x.csrfToken(), sent)) {
      log.info("webconsole: refused a POST without the page's CSRF token from " + x.remoteAddr());
      json(x, 403, error("missing or wrong CSRF token: reload the page"));
      return;
    }
    Map<String, String> params = new HashMap<>();
    for (String name : new String[] {"action", "device", "driver", "mgmtdev"}) {
      String v = x.parameter(name);
      if (v != null) {
        params.put(name, v);
      }
    }
    try {
      String done = new Actions(bus, store.get(), live::mgmtdev).run(params);
      log.info("webconsole: " + done + " (user " + x.remoteUser() + ")");
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("ok", done);
      json(x, 200, Json.write(ok));
    } catch (IllegalArgumentException e) {
      json(x, 400, error(e.getMessage()));
    } catch (IllegalStateException e) {
      json(x, 409, error(e.getMessage()));
    }
  }

  private static String error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message == null ? "failed" : message.lines().findFirst().orElse("failed"));
    return Json.write(m);
  }

  private static void json(Exchange x, int status, String body) throws IOException {
    x.start(status, "application/json");
    x.writer().write(body);
  }
}
