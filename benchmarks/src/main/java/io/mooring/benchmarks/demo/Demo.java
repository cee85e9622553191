package io.mooring.benchmarks.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mooring.pool.ports.PortMonitor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demonstration: every client goes through five situations from production side by side, each
 * against its own loopback server, and the kernel's socket table says what each one left behind.
 *
 * <pre>
 * java -jar benchmarks/target/mooring-demo.jar [--clients K,..] [--phases K,..] [--scale F |
 *     --requests N] [--report FILE] [--netns]
 * </pre>
 *
 * {@code --netns} runs it inside a new network namespace with a 1,000-port ephemeral range and
 * {@code tcp_tw_reuse=0}, where the client that closes first runs out of ports.
 */
public final class Demo {
  /**
   * Every pooled client's idle eviction: the libraries' defaults are minutes (OkHttp 5 min, Mooring
   * 5 min, the JDK 20 min on Java 17) or none (Apache), scaled down so a phase lasts seconds.
   */
  static final Duration IDLE_EVICTION = Duration.ofSeconds(2);

  private final DemoOptions options;
  private final PrintStream out;

  Demo(DemoOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the demonstration; see the class comment for the flags. */
  public static void main(String[] args) throws Exception {
    // Apache HttpClient logs through SLF4J, and the demonstration ships no SLF4J provider.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    // Read once, when the JDK client's pool class loads: before any client is built.
    System.setProperty(
        JavaNetHttpClient.JDK_KEEPALIVE_PROPERTY,
        System.getProperty(
            JavaNetHttpClient.JDK_KEEPALIVE_PROPERTY, Long.toString(IDLE_EVICTION.toSeconds())));
    DemoOptions options;
    try {
      options = DemoOptions.parse(args, clientKeys(), phaseKeys());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.netns() && !options.insideNetns()) {
      System.exit(Namespace.rerunInside(args));
    }
    new Demo(options, System.out).run();
    System.exit(0); // the JDK 17 client's selector threads and Apache's evictor are not daemons
  }

  static List<String> clientKeys() {
    return Contenders.all().stream().map(Contender::key).toList();
  }

  static List<String> phaseKeys() {
    return Phases.all(1, IDLE_EVICTION).stream().map(Phase::key).toList();
  }

  /** Runs the selected phases for the selected clients, prints the table, writes the report. */
  void run() throws Exception {
    List<Contender> contenders =
        Contenders.all().stream().filter(c -> options.clients().contains(c.key())).toList();
    List<Phase> phases =
        Phases.all(options.scale(), IDLE_EVICTION).stream()
            .filter(p -> options.phases().contains(p.key()))
            .toList();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Result> results = new ArrayList<>();
    try (PortMonitor monitor = PortMonitor.builder().topN(0).build()) {
      List<String> intro = intro(monitor, contenders);
      intro.forEach(out::println);
      PhaseRunner runner =
          new PhaseRunner(
              contenders, registry, monitor, IDLE_EVICTION, BurstIdlePhase.BURST_IN_FLIGHT, out);
      for (Phase phase : phases) {
        results.addAll(runner.run(phase));
      }
    }
    out.println();
    new ResultTable(results).print(out);
    String meters = meters(results);
    out.println();
    out.println(
        "Mooring's meters (Prometheus text format), scraped before each client closed; series at"
            + " zero are left out here, the report has them all:");
    meters.lines().filter(l -> !l.endsWith(" 0") && !l.endsWith(" 0.0")).forEach(out::println);
    Path dir = options.report().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    HtmlReport.write(
        options.report(),
        new HtmlReport.Content(
            intro(null, contenders), phases, contenders, settings(contenders), results, meters));
    out.println();
    out.println("Report with the tables, charts and every client's settings: " + options.report());
  }

  private List<String> intro(PortMonitor monitor, List<Contender> contenders) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "Mooring demonstration: %d clients side by side, each against its own loopback server;"
                + " Java %s, %d cores%s.",
            contenders.size(),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            options.insideNetns()
                ? ", in a network namespace (1,000 ephemeral ports, tcp_tw_reuse=0)"
                : ""));
    if (monitor != null && !monitor.isAvailable()) {
      lines.add("note: no /proc/net/tcp here; the socket counts need Linux and read 0");
    }
    lines.add(
        "Counts of sockets come from the kernel's table (/proc/net/tcp), toward each client's own"
            + " server port; every pooled client evicts idle connections after "
            + IDLE_EVICTION.toSeconds()
            + " s (scaled down from the libraries' minutes; settings in the report).");
    return lines;
  }

  private static Map<String, List<String>> settings(List<Contender> contenders) throws Exception {
    Map<String, List<String>> settings = new LinkedHashMap<>();
    PrometheusMeterRegistry scratch = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (Contender c : contenders) {
      ClientSetup setup =
          new ClientSetup(scratch, "settings", IDLE_EVICTION, BurstIdlePhase.BURST_IN_FLIGHT);
      try (DemoClient client = c.opener().open(setup)) {
        settings.put(c.name(), client.settings());
      }
    }
    return settings;
  }

  private static String meters(List<Result> results) {
    StringBuilder b = new StringBuilder();
    for (Result r : results) {
      if (!r.meters().isEmpty()) {
        b.append("# ")
            .append(r.contender().name())
            .append(", phase ")
            .append(r.phase().title())
            .append('\n')
            .append(r.meters())
            .append('\n');
      }
    }
    return b.toString().stripTrailing();
  }
}
