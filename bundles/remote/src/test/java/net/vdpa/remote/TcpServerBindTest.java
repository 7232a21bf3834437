package net.vdpa.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The rewrite on Aries RSA 1.14.0's own TCPServer class (from the provider jar on the test class
 * path), loaded and run: woven it listens on the hostname it is given, as shipped on every address.
 */
class TcpServerBindTest {
  static final String PACKAGE = "org.apache.aries.rsa.provider.tcp.";

  @Test
  void theWovenServerListensOnTheHostnameOnly() throws Exception {
    byte[] woven = TcpServerBind.rewrite(classBytes(AriesTcpBind.CLASS)).orElseThrow();
    try (Closeable server = construct(woven, "127.0.0.1")) {
      InetAddress bound = serverSocket(server).getInetAddress();
      assertThat(bound.isLoopbackAddress()).as("bound to %s", bound).isTrue();
      assertThat(bound.getHostAddress()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void asShippedTheServerListensOnEveryAddress() throws Exception {
    try (Closeable server = construct(classBytes(AriesTcpBind.CLASS), "127.0.0.1")) {
      InetAddress bound = serverSocket(server).getInetAddress();
      assertThat(bound.isAnyLocalAddress()).as("bound to %s", bound).isTrue();
    }
  }

  @Test
  void anUnknownHostnameFailsTheConstructorAsAnyBindFailureDoes() throws Exception {
    byte[] woven = TcpServerBind.rewrite(classBytes(AriesTcpBind.CLASS)).orElseThrow();
    Throwable failure = null;
    try (Closeable server = construct(woven, "no-such-host.invalid")) {
      // not reached
    } catch (java.lang.reflect.InvocationTargetException e) {
      failure = e.getCause();
    }
    assertThat(failure).isInstanceOf(RuntimeException.class).hasCauseInstanceOf(java.net.UnknownHostException.class);
  }

  @Test
  void aClassWithoutTheCallIsLeftUnchanged() {
    assertThat(TcpServerBind.rewrite(classBytes(PACKAGE + "TcpEndpoint"))).isEmpty();
    assertThat(TcpServerBind.rewrite(classBytes(TcpServerBindTest.class.getName()))).isEmpty();
  }

  @Test
  void aServerAlreadyBoundIsLeftUnchanged() {
    byte[] woven = TcpServerBind.rewrite(classBytes(AriesTcpBind.CLASS)).orElseThrow();
    assertThat(TcpServerBind.rewrite(woven)).isEmpty();
  }

  @Test
  void aLoadedServerTellsWhetherItWasRewritten() throws Exception {
    assertThat(TcpServerBind.isBound(load(TcpServerBind.rewrite(classBytes(AriesTcpBind.CLASS)).orElseThrow()))).isTrue();
    assertThat(TcpServerBind.isBound(load(classBytes(AriesTcpBind.CLASS)))).isFalse();
  }

  /** Defines TCPServer from the given bytes in a loader of its own. */
  static Class<?> load(byte[] tcpServer) throws ClassNotFoundException {
    return new AriesLoader(tcpServer).loadClass(AriesTcpBind.CLASS);
  }

  /** Builds {@code TCPServer(service, hostname, 0, 0)} from the given bytes (no accept threads). */
  static Closeable construct(byte[] tcpServer, String hostname) throws Exception {
    Class<?> c = load(tcpServer);
    Constructor<?> k = c.getConstructor(Object.class, String.class, Integer.class, int.class);
    return (Closeable) k.newInstance(new Object(), hostname, 0, 0);
  }

  static ServerSocket serverSocket(Object tcpServer) throws ReflectiveOperationException {
    Field f = tcpServer.getClass().getDeclaredField("serverSocket");
    f.setAccessible(true);
    return (ServerSocket) f.get(tcpServer);
  }

  static byte[] classBytes(String className) {
    try (InputStream in = TcpServerBindTest.class.getClassLoader().getResourceAsStream(className.replace('.', '/') + ".class")) {
      assertThat(in).as("%s on the test class path", className).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A throwaway loader that defines Aries' TCP provider package itself (so the test's TCPServer and
   * its package-private helpers share a runtime package), TCPServer from the given bytes; everything
   * else comes from the test class path.
   */
  private static final class AriesLoader extends ClassLoader {
    private final byte[] tcpServer;

    AriesLoader(byte[] tcpServer) {
      super(TcpServerBindTest.class.getClassLoader());
      this.tcpServer = tcpServer;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          byte[] b = name.equals(AriesTcpBind.CLASS) ? tcpServer : classBytes(name);
          c = defineClass(name, b, 0, b.length);
        }
        return c;
      }
    }
  }
}
