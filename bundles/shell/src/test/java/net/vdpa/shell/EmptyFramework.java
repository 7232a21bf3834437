package net.vdpa.shell;

import java.nio.file.Files;
import java.util.Map;
import org.apache.felix.framework.FrameworkFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/** A running Felix framework with no bundles, for tests that need a real registry (trackers, service factories). */
final class EmptyFramework implements AutoCloseable {
  private final Framework framework;

  /** Starts one with a fresh storage folder. */
  EmptyFramework() throws Exception {
    framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE,
        Files.createTempDirectory("framework").toString(), Constants.FRAMEWORK_STORAGE_CLEAN,
        Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
    framework.start();
  }

  /** The system bundle's context. */
  BundleContext context() {
    return framework.getBundleContext();
  }

  @Override
  public void close() throws Exception {
    framework.stop();
    framework.waitForStop(10_000);
  }
}
