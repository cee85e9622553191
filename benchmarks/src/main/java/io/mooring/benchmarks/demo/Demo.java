package io.mooring.benchmarks.demo;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.PoolSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demonstration: one loopback HTTP server per client, the same workload through ad-hoc {@code
 * HttpURLConnection} with {@code disconnect()}, the JDK {@code HttpClient} and Mooring, and the
 * kernel's count of the client TIME_WAIT sockets each one leaves behind.
 *
 * <pre>
 * java -jar benchmarks/target/mooring-demo.jar [--requests N] [--in-flight N] [--report FILE] [--netns]
 * </pre>
 *
 * {@code --netns} repeats the naive-versus-Mooring comparison inside a new network namespace with a
 * 1,000-port ephemeral range and {@code tcp_tw_reuse=0}, where the naive client runs out of ports.
 */
public final class Demo {
  static final String NAIVE = "HttpURLConnection+disconnect";
  static final String JDK = "JDK HttpClient";
  static final String MOORING = "Mooring";

  private final int requests;
  private final int inFlight;
  private final Path report;
  private final boolean namespaced;

  private Demo(int requests, int inFlight, Path report, boolean namespaced) {
    this.requests = requests;
    this.inFlight = inFlight;
    this.report = report;
    this.namespaced = namespaced;
  }

  /** Runs the demonstration; see the class comment for the flags. */
  public static void main(String[] args) throws Exception {
    int requests = 20_000;
    int inFlight = 16;
    Path report = Path.of("mooring-demo-report.html");
    boolean netns = false;
    boolean inside = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--requests" -> requests = positive("--requests", args[++i]);
        case "--in-flight" -> inFlight = positive("--in-flight", args[++i]);
        case "--report" -> report = Path.of(args[++i]);
        case "--netns" -> netns = true;
        case "--inside-netns" -> inside = true;
        default -> {
          System.err.println(
              "unknown argument "
                  + args[i]
                  + "; usage: [--requests N] [--in-flight N] [--report FILE] [--netns]");
          System.exit(2);
        }
      }
    }
    if (netns && !inside) {
      System.exit(Namespace.rerunInside(args));
    }
    new Demo(requests, inFlight, report.toAbsolutePath(), inside).run();
  }

  private static int positive(String flag, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(flag + " is " + n + "; expected at least 1");
    }
    return n;
  }

  private void run() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> names = namespaced ? List.of(MOORING, NAIVE) : List.of(MOORING, JDK, NAIVE);
    Map<String, DemoServer> servers = new LinkedHashMap<>();
    Map<String, Integer> ports = new LinkedHashMap<>();
    int port = 20_000;
    for (String name : names) {
      port = freePortFrom(port + 1);
      DemoServer server = new DemoServer(port, 1_000, 2_000);
      servers.put(name, server);
      ports.put(name, server.port());
    }
    List<Row> rows = new ArrayList<>();
    try (SocketSampler sampler = new SocketSampler(ports, 200)) {
      if (!sampler.available()) {
        System.out.println("note: no /proc/net/tcp here; TIME_WAIT counts need Linux and read 0");
      }
      System.out.printf(
          Locale.ROOT,
          "Mooring demonstration: %,d GETs, %d in flight, per client; ephemeral range %s%s%n",
          requests,
          inFlight,
          sampler.range(),
          namespaced ? " (network namespace, tcp_tw_reuse=0)" : "");
      System.out.println(
          "Servers close idle connections after 2 s and every connection after 1,000 requests.");
      sampler.start();
      String meters = "";
      for (String name : names) {
        try (DemoClient client = client(name, registry)) {
          rows.add(runOne(name, client, servers.get(name), sampler));
          if (name.equals(MOORING)) {
            meters = registry.scrape(); // before the pool closes and removes its meters
          }
        }
      }
      System.out.println();
      printTable(rows);
      System.out.println();
      System.out.println("Mooring's meters (Prometheus text format):");
      meters.lines().filter(l -> l.contains("mooring")).forEach(System.out::println);
      Path dir = report.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      HtmlReport.write(report, "Mooring demonstration", htmlTable(rows), names, sampler.samples());
      System.out.println();
      System.out.println("Report with the TIME_WAIT chart: " + report);
    } finally {
      servers.values().forEach(DemoServer::close);
    }
  }

  private DemoClient client(String name, PrometheusMeterRegistry registry) {
    return switch (name) {
      case NAIVE -> new NaiveUrlConnectionClient();
      case JDK ->
          new HttpClientDemoClient(
              JDK, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), null);
      default -> {
        MooringHttpClient mooring =
            MooringHttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .poolSettings(
                    PoolSettings.builder()
                        .name("demo")
                        .maxConnectionsPerDestination(inFlight)
                        .maxRequestsPerConnection(500)
                        .build())
                .meterRegistry(registry)
                .build();
        yield new HttpClientDemoClient(MOORING, mooring, mooring);
      }
    };
  }

  private Row runOne(String name, DemoClient client, DemoServer server, SocketSampler sampler)
      throws InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
    Workload w = new Workload(requests, inFlight);
    Thread progress =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
                int[] now = sampler.sample().byClient().get(name);
                System.out.printf(
                    Locale.ROOT,
                    "  %-30s %,7d / %,d requests, %,d failed, client TIME_WAIT now %,d%n",
                    name,
                    w.done(),
                    requests,
                    w.failed.get(),
                    now[0]);
              }
            },
            "progress");
    progress.setDaemon(true);
    System.out.println("Running " + name + " ...");
    progress.start();
    long nanos = w.run(client, uri);
    progress.interrupt();
    int[] end = sampler.sample().byClient().get(name);
    int[] peak = sampler.peak(name);
    Row row =
        new Row(
            name,
            w.ok.get(),
            w.failed.get(),
            server.accepted(),
            end[0],
            peak[0],
            peak[1],
            w.done() / (nanos / 1e9),
            topError(w));
    System.out.printf(
        Locale.ROOT,
        "  %-30s done in %.1f s%s%n",
        name,
        nanos / 1e9,
        row.error.isEmpty() ? "" : "; " + row.error);
    return row;
  }

  private static String topError(Workload w) {
    return w.errors.entrySet().stream()
        .max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.get(), b.get())))
        .map(e -> String.format(Locale.ROOT, "%,d x %s", e.getValue().get(), e.getKey()))
        .orElse("");
  }

  private static int freePortFrom(int start) throws IOException {
    for (int p = start; p < 32_000; p++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", p));
        return p;
      } catch (IOException busy) {
        // try the next one
      }
    }
    throw new IOException(
        "no free port between " + start + " and 32000 (below the ephemeral range)");
  }

  record Row(
      String client,
      long ok,
      long failed,
      long opened,
      int timeWaitEnd,
      int timeWaitPeak,
      int portsPeak,
      double perSecond,
      String error) {}

  private static final String[] HEADERS = {
    "client",
    "ok",
    "failed",
    "connections opened",
    "client TIME_WAIT at end",
    "client TIME_WAIT peak",
    "peak ephemeral ports",
    "requests/s"
  };

  private static String[] cells(Row r) {
    return new String[] {
      r.client,
      String.format(Locale.ROOT, "%,d", r.ok),
      String.format(Locale.ROOT, "%,d", r.failed),
      String.format(Locale.ROOT, "%,d", r.opened),
      String.format(Locale.ROOT, "%,d", r.timeWaitEnd),
      String.format(Locale.ROOT, "%,d", r.timeWaitPeak),
      String.format(Locale.ROOT, "%,d", r.portsPeak),
      String.format(Locale.ROOT, "%,.0f", r.perSecond)
    };
  }

  private static void printTable(List<Row> rows) {
    int[] width = new int[HEADERS.length];
    List<String[]> all = new ArrayList<>();
    all.add(HEADERS);
    rows.forEach(r -> all.add(cells(r)));
    for (String[] line : all) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    for (String[] line : all) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        String fmt = i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s";
        b.append(String.format(Locale.ROOT, fmt, line[i]));
      }
      System.out.println(b);
    }
    for (Row r : rows) {
      if (!r.error.isEmpty()) {
        System.out.println(r.client + " failures: " + r.error);
      }
    }
  }

  private static String htmlTable(List<Row> rows) {
    StringBuilder b = new StringBuilder("<table><tr>");
    for (String h : HEADERS) {
      b.append("<th>").append(HtmlReport.escape(h)).append("</th>");
    }
    b.append("</tr>");
    for (Row r : rows) {
      b.append("<tr>");
      for (String c : cells(r)) {
        b.append("<td>").append(HtmlReport.escape(c)).append("</td>");
      }
      b.append("</tr>");
    }
    b.append("</table>");
    for (Row r : rows) {
      if (!r.error.isEmpty()) {
        b.append("<p>")
            .append(HtmlReport.escape(r.client + " failures: " + r.error))
            .append("</p>");
      }
    }
    return b.toString();
  }
}
