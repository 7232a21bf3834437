package net.vdpa.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
