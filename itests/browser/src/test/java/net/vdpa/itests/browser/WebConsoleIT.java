package net.vdpa.itests.browser;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console's vDPA tab in headless Chromium, against the runtime jar run as a process: the
 * picture matches what the shell says, bind and override work through the page, an uninstalled
 * driver leaves the picture without a reload, and a POST without the page's CSRF token is refused.
 * The methods run in name order on one runtime and one browser page; each states what it starts
 * from. Skips, saying so in one line, where Chromium or its driver is not installed.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WebConsoleIT {
  @ClassRule
  public static TemporaryFolder dir = new TemporaryFolder();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));

  private static Runtime runtime;
  private static WebDriver browser;
  private static String origin;
  private static List<String> devJson;
  private static List<String> busShow;

  @BeforeClass
  public static void startRuntimeAndBrowser() throws Exception {
    Optional<Path> chromium = onPath("chromium", "chromium-browser", "google-chrome");
    Optional<Path> chromedriver = onPath("chromedriver");
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      System.out.println("WebConsoleIT: chromium or chromedriver is not installed (apt-get install chromium chromium-driver): skipped");
      Assume.assumeTrue("chromium or chromedriver is not installed", false);
    }
    runtime = new Runtime(dir.getRoot().toPath());
    // the shell's view of a fresh runtime, then the same runtime (same directory) with its web server
    devJson = runtime.script("vdpa:dev -j show");
    busShow = runtime.script("vdpa:bus show");
    String address = runtime.start();
    assertTrue("the web server listens on loopback only: " + address, address.startsWith("127.0.0.1:"));
    origin = "http://" + address;

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.get().toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterClass
  public static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  private static Optional<Path> onPath(String... names) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      for (String n : names) {
        Path p = Path.of(d, n);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  private static WebElement row(String device) {
    return browser.findElement(By.cssSelector("#vdpa-devices tr[data-device='" + device + "']"));
  }

  /**
   * A cell's text. The page draws its rows anew on every bus event, so a row found a moment ago may
   * be replaced before its text is read: then it is found again.
   */
  private static String cell(String device, String cls) {
    for (int attempt = 1; ; attempt++) {
      try {
        return row(device).findElement(By.cssSelector("td." + cls)).getText();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  /** Waits until a device's row shows the state and driver. */
  private static void waitFor(String device, String state, String driver) {
    waiting().withMessage(() -> device + " is not " + state + " " + driver + " on the page: " + browser.findElement(By.id("vdpa")).getText())
        .until(b -> {
          try {
            return cell(device, "state").equals(state) && cell(device, "driver").equals(driver);
          } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
            return false;
          }
        });
  }

  @Test
  public void a_withoutLoginTheConsoleRefusesThenTheUserLogsIn() throws Exception {
    HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(origin + "/system/console/vdpa/state.json")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, anonymous.statusCode());
    // Basic authentication, as the Web Console asks for it: the browser keeps the credentials for the page's own requests
    browser.get(origin.replace("http://", "http://admin:admin@") + "/system/console/vdpa");
    waiting().until(ExpectedConditions.textToBe(By.id("vdpa-status"), "live"));
    ((JavascriptExecutor) browser).executeScript("window.vdpaSamePage = 'yes';");
  }

  @Test
  public void b_thePictureIsWhatTheShellShows() {
    // vdpa:dev -j show: {"dev":{"vdpa0":{"type":"network","mgmtdev":"vdpasim_net",...}}}
    Map<String, String[]> shell = new TreeMap<>();
    Matcher m = Pattern.compile("\"([^\"]+)\":\\{\"type\":\"([^\"]+)\",\"mgmtdev\":\"([^\"]+)\"").matcher(String.join("", devJson));
    while (m.find()) {
      shell.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    assertTrue("no device in " + devJson, !shell.isEmpty());
    List<WebElement> rows = browser.findElements(By.cssSelector("#vdpa-devices tbody tr"));
    assertEquals(shell.keySet().toString(), shell.size(), rows.size());
    for (Map.Entry<String, String[]> e : shell.entrySet()) {
      assertEquals(e.getValue()[0], cell(e.getKey(), "type"));
      assertEquals(e.getValue()[1], cell(e.getKey(), "mgmtdev"));
    }
    // vdpa:bus show: "vdpa0: bound driver virtio_net autoprobe on"
    Matcher b = Pattern.compile("^(\\S+): bound driver (\\S+)").matcher("");
    int bound = 0;
    for (String l : busShow) {
      if (b.reset(l).find()) {
        bound++;
        // the runtime was just started: its probe may still be running when the page first draws
        waitFor(b.group(1), "BOUND", b.group(2));
        assertTrue(l, cell(b.group(1), "why").matches("best match \\(autoprobe, score [1-9]\\d*\\)"));
        assertTrue(cell(b.group(1), "class"), cell(b.group(1), "class").matches("net vnet\\d+"));
      }
    }
    assertTrue("no bound device in " + busShow, bound > 0);
    assertTrue(browser.findElement(By.cssSelector("#vdpa-mgmtdevs tr[data-mgmtdev='vdpasim_net']")).getText().contains("vdpa0"));
  }

  @Test
  public void c_bindAndOverrideThroughThePage() throws Exception {
    // from: vdpa0 bound to virtio_net by autoprobe
    row("vdpa0").findElement(By.cssSelector("button.unbind")).click();
    waitFor("vdpa0", "UNBOUND", "");

    // on vfio_vdpa its class service is the passthrough handle, named after its IOMMU group
    new Select(row("vdpa0").findElement(By.cssSelector("select.bind-driver"))).selectByValue("vfio_vdpa");
    row("vdpa0").findElement(By.cssSelector("button.bind")).click();
    waitFor("vdpa0", "BOUND", "vfio_vdpa");
    waiting().until(d -> cell("vdpa0", "class").matches("passthrough /dev/vfio/\\d+"));
    row("vdpa0").findElement(By.cssSelector("button.unbind")).click();
    waitFor("vdpa0", "UNBOUND", "");

    new Select(row("vdpa0").findElement(By.cssSelector("select.bind-driver"))).selectByValue("vhost_vdpa");
    row("vdpa0").findElement(By.cssSelector("button.bind")).click();
    waitFor("vdpa0", "BOUND", "vhost_vdpa");
    assertTrue(cell("vdpa0", "why"), cell("vdpa0", "why").matches("explicit bind \\(score [1-9]\\d*\\)"));
    assertTrue(cell("vdpa0", "class"), cell("vdpa0", "class").startsWith("vhost /"));

    // a second bind is the bus's error, shown as one line; nothing changes
    new Select(row("vdpa0").findElement(By.cssSelector("select.bind-driver"))).selectByValue("virtio_net");
    row("vdpa0").findElement(By.cssSelector("button.bind")).click();
    waiting().until(ExpectedConditions.textMatches(By.id("vdpa-error"), Pattern.compile("vdpa0.*vhost_vdpa")));
    assertTrue(browser.findElement(By.id("vdpa-error")).getText(), !browser.findElement(By.id("vdpa-error")).getText().contains("\n"));
    assertEquals("vhost_vdpa", cell("vdpa0", "driver"));

    new Select(row("vdpa0").findElement(By.cssSelector("select.override-driver"))).selectByValue("virtio_net");
    row("vdpa0").findElement(By.cssSelector("button.override")).click();
    waitFor("vdpa0", "BOUND", "virtio_net");
    assertTrue(cell("vdpa0", "why"), cell("vdpa0", "why").matches("driver override \\(score [1-9]\\d*\\)"));
    assertEquals("virtio_net", cell("vdpa0", "override"));
    assertTrue(cell("vdpa0", "class"), cell("vdpa0", "class").matches("net vnet\\d+"));
    waiting().until(ExpectedConditions.textToBe(By.id("vdpa-error"), ""));
  }

  @Test
  public void d_devAddAndDelThroughThePage() {
    browser.findElement(By.id("vdpa-add-name")).sendKeys("web1");
    new Select(browser.findElement(By.id("vdpa-add-mgmtdev"))).selectByValue("vdpasim_net");
    browser.findElement(By.id("vdpa-add-button")).click();
    waitFor("web1", "BOUND", "virtio_net");
    assertEquals("vdpasim_net", cell("web1", "mgmtdev"));
    // rates are drawn once a second from the interface counters
    waiting().until(b -> cell("web1", "plot").contains("pkt/s"));
    Path shot = Path.of(System.getProperty("vdpa.screenshot", "target/webconsole.png"));
    try {
      Files.createDirectories(shot.toAbsolutePath().getParent());
      Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    row("web1").findElement(By.cssSelector("button.del")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#vdpa-devices tr[data-device='web1']"), 0));
  }

  @Test
  public void e_aPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(origin + "/system/console/vdpa/action.json"))
        .header("Authorization", AUTH).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("action=override&device=vdpa0&driver=vhost_vdpa")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(refused.body(), 403, refused.statusCode());
    assertTrue(refused.body(), refused.body().contains("CSRF token"));
    HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(origin + "/system/console/vdpa/state.json"))
        .header("Authorization", AUTH).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(state.body(), state.body().contains("\"name\":\"vdpa0\",\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\",\"state\":\"BOUND\",\"driver\":\"virtio_net\""));
    assertEquals("virtio_net", cell("vdpa0", "override"));
  }

  @Test
  public void f_anUninstalledDriverLeavesThePictureWithoutAReload() throws Exception {
    // from: vdpa0 bound to virtio_net by override; the page shows virtio_net's bundle id
    String bundle = browser.findElement(By.cssSelector("#vdpa-drivers tr[data-driver='virtio_net'] td:nth-child(3)")).getText();
    // the Web Console's own bundle page uninstalls it, as a user would from its Bundles tab
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(origin + "/system/console/bundles/" + bundle))
        .header("Authorization", AUTH).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("action=uninstall")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(r.body(), 200, r.statusCode());
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#vdpa-drivers tr[data-driver='virtio_net']"), 0));
    waitFor("vdpa0", "UNBOUND", "");
    assertTrue(cell("vdpa0", "why"), cell("vdpa0", "why").contains("virtio_net"));
    assertEquals("", cell("vdpa0", "class"));
    assertEquals("the page was not reloaded", "yes", ((JavascriptExecutor) browser).executeScript("return window.vdpaSamePage;"));
  }
}
