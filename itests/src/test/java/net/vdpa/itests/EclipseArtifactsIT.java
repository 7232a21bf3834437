package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the build gives Eclipse and bnd users beside the runtime jars: the OSGi Repository index
 * ({@code runtime/target/index.xml}) and the PDE target definition ({@code runtime/target/vdpa.target})
 * with its bundle folder. Each must hold every bundle the runtime runs, at a place that exists.
 */
public class EclipseArtifactsIT {
  private static final Path RUNTIME = Path.of(System.getProperty("vdpa.runtime.jar", "../runtime/target/vdpa-runtime.jar"))
      .toAbsolutePath().getParent().getParent();

  @Test
  public void theRepositoryIndexHasEveryRunBundleAtAnExistingFile() throws Exception {
    Document index = parse(RUNTIME.resolve("target/index.xml"));
    Set<String> identities = new TreeSet<>();
    List<String> urls = new ArrayList<>();
    NodeList caps = index.getElementsByTagName("capability");
    for (int i = 0; i < caps.getLength(); i++) {
      Element cap = (Element) caps.item(i);
      if (cap.getAttribute("namespace").equals("osgi.identity")) {
        identities.add(attribute(cap, "osgi.identity"));
      } else if (cap.getAttribute("namespace").equals("osgi.content")) {
        if (attribute(cap, "url").startsWith("urn:osgi-bnd-mrj:")) {
          // bnd's per-Java-release views of a multi-release jar (jakarta.xml.bind-api): the jar itself has its file entry too
          continue;
        }
        urls.add(attribute(cap, "url"));
        Path file = Path.of(URI.create(attribute(cap, "url")));
        assertTrue("index entry " + file + " is missing", Files.isRegularFile(file));
      }
    }
    for (String bsn : runBundles()) {
      assertTrue("the index lacks " + bsn + " (has " + identities + ")", identities.contains(bsn));
      if (bsn.startsWith("net.vdpa.")) {
        // the project's own bundles are the jars this build wrote, as the README says
        String module = bsn.substring("net.vdpa.".length());
        assertTrue(bsn + " is not indexed at bundles/" + module + "/target: " + urls,
            urls.stream().anyMatch(u -> u.contains("/bundles/" + module + "/target/" + module + "-")));
      }
    }
  }

  /** The README's Eclipse launch list names every bundle the runtime runs (the framework aside). */
  @Test
  public void theReadmeEclipseLaunchListNamesEveryRunBundle() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("vdpa.readme", "../README.md")));
    int start = readme.indexOf("To build an Eclipse (PDE) application");
    assertTrue("the README has no Eclipse launch section", start >= 0);
    String section = readme.substring(start, readme.indexOf("\n## ", start));
    for (String bsn : runBundles()) {
      assertTrue("the README's Eclipse launch list lacks `" + bsn + "`", section.contains("`" + bsn + "`"));
    }
  }

  @Test
  public void theTargetDefinitionNamesAFolderWithEveryRunBundle() throws Exception {
    Document target = parse(RUNTIME.resolve("target/vdpa.target"));
    NodeList locations = target.getElementsByTagName("location");
    assertEquals(1, locations.getLength());
    Element location = (Element) locations.item(0);
    assertEquals("Directory", location.getAttribute("type"));
    Path folder = Path.of(location.getAttribute("path"));
    Set<String> inFolder = new TreeSet<>();
    try (Stream<Path> jars = Files.list(folder)) {
      for (Path jar : jars.toList()) {
        try (JarFile j = new JarFile(jar.toFile())) {
          String bsn = j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
          assertTrue(jar + " in the target folder is not a bundle", bsn != null);
          inFolder.add(bsn.split(";")[0].trim());
        }
      }
    }
    for (String bsn : runBundles()) {
      assertTrue(folder + " lacks " + bsn + " (has " + inFolder + ")", inFolder.contains(bsn));
    }
  }

  /** The symbolic names in the runtime bndrun's -runbundles. */
  private static List<String> runBundles() throws IOException {
    String bndrun = Files.readString(RUNTIME.resolve("vdpa-runtime.bndrun"));
    Matcher m = Pattern.compile("^\\s+([\\w.]+);version=", Pattern.MULTILINE).matcher(bndrun);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    assertTrue("no -runbundles read from the bndrun", names.size() > 10);
    return names;
  }

  private static String attribute(Element capability, String name) {
    NodeList attrs = capability.getElementsByTagName("attribute");
    for (int i = 0; i < attrs.getLength(); i++) {
      Element a = (Element) attrs.item(i);
      if (a.getAttribute("name").equals(name)) {
        return a.getAttribute("value");
      }
    }
    throw new AssertionError("capability " + capability.getAttribute("namespace") + " has no attribute " + name);
  }

  private static Document parse(Path file) throws Exception {
    assertTrue(file + " was not built", Files.isRegularFile(file));
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    try (InputStream in = Files.newInputStream(file)) {
      return f.newDocumentBuilder().parse(in);
    }
  }
}
