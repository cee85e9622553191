package io.mooring.benchmarks.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a short demonstration and opens its report in headless Chromium: every phase's chart must
 * have drawn one series per client (the page marks each canvas once Chart.js has rendered it).
 * Skips with a printed reason where Chromium is not installed, except under {@code CI=true}.
 */
class ReportInBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Pattern CANVAS = Pattern.compile("<canvas[^>]*class=\"tw-chart\"[^>]*>");

  @Test
  void everyPhaseChartDrawsOneSeriesPerClient(@TempDir Path dir) throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    String missing = CHROMIUM + " is not installed (apt-get install chromium; .ci/setup does)";
    if (!Files.isExecutable(CHROMIUM)) {
      System.out.println("ReportInBrowserIT skipped: " + missing);
    }
    assertThat(ci && !Files.isExecutable(CHROMIUM)).as("under CI=true: " + missing).isFalse();
    assumeTrue(Files.isExecutable(CHROMIUM), missing);

    Path report = dir.resolve("report.html");
    List<String> clients = Demo.clientKeys();
    DemoOptions options =
        DemoOptions.parse(
            new String[] {
              "--phases", "steady,shutdown", "--scale", "0.02", "--report", report.toString()
            },
            clients,
            Demo.phaseKeys());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    new Demo(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

    String dom = dumpDom(report, dir.resolve("chromium-profile"));
    List<String> canvases = new ArrayList<>();
    Matcher m = CANVAS.matcher(dom);
    while (m.find()) {
      canvases.add(m.group());
    }
    assertThat(canvases).as("one chart per phase run").hasSize(2);
    for (String canvas : canvases) {
      assertThat(canvas).as("drawn by Chart.js").contains("data-rendered=\"true\"");
      assertThat(canvas)
          .as("one series per client")
          .contains("data-series=\"" + clients.size() + "\"");
    }
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("5 client shutdown");
  }

  private static String dumpDom(Path report, Path profile) throws Exception {
    Path dom = profile.resolveSibling("dom.html");
    Process p =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--dump-dom",
                report.toUri().toString())
            .redirectOutput(dom.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("chromium finished within 120 s").isTrue();
    assertThat(p.exitValue()).as("chromium's exit code").isZero();
    return Files.readString(dom);
  }
}
