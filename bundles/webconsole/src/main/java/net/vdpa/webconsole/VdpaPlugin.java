package net.vdpa.webconsole;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.vhost.VhostVdpa;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The Web Console's vDPA tab ({@code /system/console/vdpa}), a plugin as Web Console 5 takes them:
 * a {@code jakarta.servlet.Servlet} service with {@code felix.webconsole.label} and {@code title}.
 * The console wraps the page in its own frame and checks its own login; requests for a name with
 * an extension reach this servlet undecorated:
 * <ul>
 *   <li>{@code GET vdpa} the page (its script draws everything from the JSON below);
 *   <li>{@code GET vdpa/state.json} the picture ({@link BusView}) and the rates;
 *   <li>{@code GET vdpa/events.stream} server-sent events: {@code bus} after every bus event, {@code rates} each second;
 *   <li>{@code GET vdpa/res/...} the script and style sheet, served by the console from this bundle;
 *   <li>{@code POST vdpa/action.json} bind, unbind, override, add, del ({@link Actions}), each with
 *       the session's {@link Csrf} token; without it: 403 and nothing done.
 * </ul>
 * The picture comes from the bus's DTOs only and is pushed on Event Admin events; the rates are the
 * class services' own counters ({@code NetInterface.stats}, {@code BlockDevice.stats}) read once a
 * second by {@link LiveState}.
 */
@Component(service = {Servlet.class, EventHandler.class}, property = {
    "felix.webconsole.label=" + VdpaPlugin.LABEL,
    "felix.webconsole.title=vDPA",
    "felix.webconsole.category=vDPA",
    "felix.webconsole.css=/" + VdpaPlugin.LABEL + "/res/vdpa.css",
    EventConstants.EVENT_TOPIC + "=" + VdpaEvents.TOPIC_ALL})
public final class VdpaPlugin extends HttpServlet implements EventHandler {
  private static final long serialVersionUID = 1L;

  /** The plugin's label: its path under the console. */
  static final String LABEL = "vdpa";

  private final transient VdpaBus bus;
  private final transient LiveState live;
  private final transient Csrf csrf = new Csrf();

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private transient volatile VdpaDeviceStore store;

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private transient volatile Logger logger;
  private final transient EventLog log = EventLog.of(() -> logger);

  /** Starts the live state: the first picture and the once-a-second sampling. */
  @Activate
  public VdpaPlugin(@Reference VdpaBus bus) {
    this.bus = bus;
    this.live = new LiveState(bus);
  }

  @Deactivate
  void deactivate() {
    live.close();
  }

  @Override
  public void handleEvent(Event event) {
    live.busChanged();
  }

  // ---- class services, by the device they sit on ----

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addNet(NetInterface nif, Map<String, Object> props) {
    live.add(nif, new ClassService.Net(String.valueOf(props.get(NetInterface.PROP_DEVICE)), nif));
  }

  void removeNet(NetInterface nif) {
    live.remove(nif);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addVhost(VhostVdpa vhost, Map<String, Object> props) {
    live.add(vhost, new ClassService.Vhost(String.valueOf(props.get(VhostVdpa.PROP_DEVICE)), String.valueOf(vhost.socketPath())));
  }

  void removeVhost(VhostVdpa vhost) {
    live.remove(vhost);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addBlock(BlockDevice blk, Map<String, Object> props) {
    live.add(blk, new ClassService.Block(String.valueOf(props.get(BlockDevice.PROP_DEVICE)), blk));
  }

  void removeBlock(BlockDevice blk) {
    live.remove(blk);
  }

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addMgmtdev(VdpaMgmtDevice m) {
    live.addMgmtdev(m);
  }

  void removeMgmtdev(VdpaMgmtDevice m) {
    live.removeMgmtdev(m);
  }

  // ---- HTTP ----

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String uri = req.getRequestURI();
    if (uri.endsWith("/" + LABEL + "/state.json")) {
      json(resp, HttpServletResponse.SC_OK, live.stateJson());
    } else if (uri.endsWith("/" + LABEL + "/events.stream")) {
      resp.setContentType("text/event-stream");
      resp.setCharacterEncoding("UTF-8");
      resp.setHeader("Cache-Control", "no-cache");
      PrintWriter out = resp.getWriter();
      live.stream().serve(out, live.firstFrames(), resp::flushBuffer);
    } else if (uri.endsWith("/" + LABEL) || uri.endsWith("/" + LABEL + "/")) {
      page(req, resp);
    } else {
      resp.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }

  private void page(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Object root = req.getAttribute("felix.webconsole.appRoot");
    String base = (root == null ? req.getContextPath() + req.getServletPath() : root.toString()) + "/" + LABEL;
    PrintWriter w = resp.getWriter();
    w.println("<div id='vdpa' data-base=" + attr(base) + " data-csrf=" + attr(token(req.getSession(true))) + ">");
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

  private String token(HttpSession session) {
    synchronized (session) {
      Object t = session.getAttribute(Csrf.ATTRIBUTE);
      if (t instanceof String s) {
        return s;
      }
      String s = csrf.newToken();
      session.setAttribute(Csrf.ATTRIBUTE, s);
      return s;
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (!req.getRequestURI().endsWith("/" + LABEL + "/action.json")) {
      resp.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    HttpSession session = req.getSession(false);
    String expected = session == null ? null : (String) session.getAttribute(Csrf.ATTRIBUTE);
    String sent = req.getHeader(Csrf.HEADER) != null ? req.getHeader(Csrf.HEADER) : req.getParameter(Csrf.PARAM);
    if (!Csrf.matches(expected, sent)) {
      log.info("webconsole: refused a POST without the page's CSRF token from " + req.getRemoteAddr());
      json(resp, HttpServletResponse.SC_FORBIDDEN, error("missing or wrong CSRF token: reload the page"));
      return;
    }
    Map<String, String> params = new HashMap<>();
    for (String name : new String[] {"action", "device", "driver", "mgmtdev"}) {
      String v = req.getParameter(name);
      if (v != null) {
        params.put(name, v);
      }
    }
    try {
      String done = new Actions(bus, store, live::mgmtdev).run(params);
      log.info("webconsole: " + done + " (user " + req.getRemoteUser() + ")");
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("ok", done);
      json(resp, HttpServletResponse.SC_OK, Json.write(ok));
    } catch (IllegalArgumentException e) {
      json(resp, HttpServletResponse.SC_BAD_REQUEST, error(e.getMessage()));
    } catch (IllegalStateException e) {
      json(resp, HttpServletResponse.SC_CONFLICT, error(e.getMessage()));
    }
  }

  private static String error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message == null ? "failed" : message.lines().findFirst().orElse("failed"));
    return Json.write(m);
  }

  private static void json(HttpServletResponse resp, int status, String body) throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setCharacterEncoding("UTF-8");
    resp.setHeader("Cache-Control", "no-store");
    resp.getWriter().write(body);
  }
}
