package net.vdpa.webconsole;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.util.function.Supplier;

/**
 * The vDPA tab as Felix Web Console 5 (the runtime's): a {@code jakarta.servlet.Servlet} service
 * with {@code felix.webconsole.label}; it only translates requests for {@link PluginCore}. Loaded
 * only when the bundle is wired to the jakarta.servlet packages ({@link VdpaTab} checks).
 */
public final class JakartaPlugin extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient PluginCore core;

  JakartaPlugin(PluginCore core) {
    this.core = core;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    core.get(new Http(req, resp));
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    core.post(new Http(req, resp));
  }

  /**
   * The tab's script and style sheet ({@code /vdpa/res/...}), for Web Consoles that ask the plugin
   * for its resources by this method.
   *
   * @param path the path under the console
   * @return the resource in this bundle, or null
   */
  public URL getResource(String path) {
    String prefix = "/" + PluginCore.LABEL + "/res/";
    return path != null && path.startsWith(prefix) ? getClass().getResource("/res/" + path.substring(prefix.length())) : null;
  }

  private record Http(HttpServletRequest req, HttpServletResponse resp) implements Exchange {
    @Override
    public String uri() {
      return req.getRequestURI();
    }

    @Override
    public String parameter(String name) {
      return req.getParameter(name);
    }

    @Override
    public String header(String name) {
      return req.getHeader(name);
    }

    @Override
    public String appRoot() {
      Object root = req.getAttribute("felix.webconsole.appRoot");
      return root == null ? req.getContextPath() + req.getServletPath() : root.toString();
    }

    @Override
    public String remoteUser() {
      return req.getRemoteUser();
    }

    @Override
    public String remoteAddr() {
      return req.getRemoteAddr();
    }

    @Override
    public String csrfToken() {
      HttpSession s = req.getSession(false);
      return s == null ? null : (String) s.getAttribute(Csrf.ATTRIBUTE);
    }

    @Override
    public String csrfToken(Supplier<String> newToken) {
      HttpSession s = req.getSession(true);
      synchronized (s) {
        Object t = s.getAttribute(Csrf.ATTRIBUTE);
        if (t instanceof String token) {
          return token;
        }
        String token = newToken.get();
        s.setAttribute(Csrf.ATTRIBUTE, token);
        return token;
      }
    }

    @Override
    public void start(int status, String contentType) {
      resp.setStatus(status);
      resp.setContentType(contentType);
      resp.setCharacterEncoding("UTF-8");
      resp.setHeader("Cache-Control", "no-store");
    }

    @Override
    public PrintWriter writer() throws IOException {
      return resp.getWriter();
    }

    @Override
    public void flush() throws IOException {
      resp.flushBuffer();
    }

    @Override
    public void notFound() throws IOException {
      resp.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }
}
