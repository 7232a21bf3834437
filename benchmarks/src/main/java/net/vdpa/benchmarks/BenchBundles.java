package net.vdpa.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/** Where the build copied the bundles that the OSGi benchmarks install into the framework they boot. */
public final class BenchBundles {
  private BenchBundles() {}

  /**
   * The bundle folder: {@code -Dvdpa.bench.bundles}, else {@code benchmarks/target/bundles} or
   * {@code target/bundles} from the working directory.
   *
   * @return the folder
   * @throws IllegalStateException saying how to build it if there is none
   */
  public static Path dir() {
    String p = System.getProperty("vdpa.bench.bundles");
    if (p != null) {
      return Path.of(p);
    }
    for (Path candidate : new Path[] {Path.of("benchmarks/target/bundles"), Path.of("target/bundles")}) {
      if (Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw new IllegalStateException("bundles for the benchmark not found: run from the repository root after "
        + "'mvn -B package -pl benchmarks -am', or pass -Dvdpa.bench.bundles=DIR");
  }

  /**
   * The API packages as the api bundle exports them (its {@code Export-Package} header, versions
   * and all), for a framework that takes them from the class path through the system bundle: the
   * benchmark and the bundles must see one copy of the API, at the version the bundles import. The
   * Log Service API comes the same way (the api's {@code EventLog} takes the Log Service's {@code
   * Logger}, so both must see one copy of it; Felix Log imports it from the system bundle).
   *
   * @return the header of {@code api.jar} in {@link #dir()}
   * @throws IllegalStateException if the jar or its header is missing
   */
  public static String apiExports() {
    Path api = dir().resolve("api.jar");
    try (JarFile jar = new JarFile(api.toFile())) {
      String exports = jar.getManifest().getMainAttributes().getValue("Export-Package");
      if (exports == null) {
        throw new IllegalStateException(api + " exports nothing");
      }
      return exports + ",org.osgi.service.log;version=\"1.5.0\",org.osgi.service.log.admin;version=\"1.0.0\"";
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + api + ": " + e.getMessage(), e);
    }
  }
}
