package io.mooring.benchmarks.http;

import io.mooring.http.IoMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * End-to-end HTTP harness: Mooring's client ({@code send} on event loops and on the caller's
 * thread, {@code sendAsync}) against its JVM peers (the JDK {@code HttpClient}, Apache HttpClient 5
 * classic, OkHttp, Reactor Netty), the JDK's {@code HttpURLConnection} against Mooring's drop-in,
 * OkHttp's {@code Call} API and a Retrofit interface on OkHttp and on Mooring's call factory, and
 * {@code wrk} as the ceiling, on loopback, against a fixed-response Netty server in this JVM and
 * nginx when installed. Every run gets a fresh server on a fresh port, a fresh client whose pool is
 * sized for the concurrency, a warm-up, a measured phase of fixed length and a closed loop of N
 * requests in flight on N threads; the contenders are rotated round by round to cancel drift. It
 * prints one table: requests/s and its ratio to Apache 5 classic and to OkHttp, p50/p99 latency,
 * CPU time (and its ratio to Apache's) and context switches per request of this JVM without the
 * in-JVM server's threads ({@link CpuMeter}), connections the server accepted, client-side
 * TIME_WAIT sockets left after closing the client (read from the kernel's tables), bytes allocated
 * per request, failures.
 *
 * <pre>
 * java -cp benchmarks/target/mooring-benchmarks.jar io.mooring.benchmarks.http.HttpHarness \
 *     [--duration 5s] [--warm-up 1s] [--in-flight 1,16,64] [--rounds 2] [--smoke]
 * </pre>
 *
 * <p>Exit status 0 when it ran, even if some requests failed (they are printed); 1 when no request
 * succeeded at all; 2 for a bad command line.
 */
public final class HttpHarness {
  private final HarnessOptions options;
  private final AllocationMeter allocation = new AllocationMeter();
  private final CpuMeter cpu = new CpuMeter();
  private final SocketCounter sockets = new SocketCounter();

  private HttpHarness(HarnessOptions options) {
    this.options = options;
  }

  /** Runs the harness; see the class comment for the options. */
  public static void main(String[] args) {
    int code;
    try {
      HarnessOptions options = HarnessOptions.parse(args);
      sizeJdkKeepAliveCache(options);
      code = new HttpHarness(options).run();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      code = 2;
    } catch (Exception e) {
      System.err.println("HTTP harness could not run: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.out.flush();
    System.exit(code); // client libraries may leave non-daemon threads behind
  }

  /**
   * The JDK's {@code HttpURLConnection} keeps {@code http.maxConnections} idle connections per
   * destination (default 5), read once when first used: sized here, before any use, for the highest
   * concurrency, as every other client's pool is, unless given with {@code -D}.
   */
  private static void sizeJdkKeepAliveCache(HarnessOptions options) {
    if (System.getProperty("http.maxConnections") == null) {
      int n = options.inFlight().stream().mapToInt(Integer::intValue).max().orElse(5);
      System.setProperty("http.maxConnections", Integer.toString(Math.max(5, n)));
    }
  }

  private int run() throws Exception {
    List<String> notes = new ArrayList<>();
    Map<String, Contender> contenders = contenders(notes);
    Map<String, TargetServer.Starter> servers = servers(notes);
    if (!sockets.available()) {
      notes.add("socket tables unreadable: TIME_WAIT shown as n/a");
    }
    header(servers.keySet());
    List<String> names = new ArrayList<>(contenders.keySet());
    List<RunResult> runs = new ArrayList<>();
    warmUpJvm(contenders, servers);
    int total = servers.size() * options.rounds() * options.inFlight().size() * names.size();
    int done = 0;
    for (Map.Entry<String, TargetServer.Starter> server : servers.entrySet()) {
      for (int round = 0; round < options.rounds(); round++) {
        for (int level = 0; level < options.inFlight().size(); level++) {
          int n = options.inFlight().get(level);
          int shift = (round * options.inFlight().size() + level) % names.size();
          for (int k = 0; k < names.size(); k++) {
            String name = names.get((k + shift) % names.size());
            RunResult r =
                runOne(contenders.get(name), server.getKey(), server.getValue(), n, options);
            runs.add(r);
            done++;
            System.err.printf(
                Locale.ROOT,
                "[%d/%d] %s round %d, %d in flight: %-8s %,10.0f req/s, %d failed%n",
                done,
                total,
                server.getKey(),
                round + 1,
                n,
                name,
                r.throughput(),
                r.failed());
          }
        }
      }
    }
    System.out.println();
    System.out.print(
        ResultTable.render(runs, new ArrayList<>(servers.keySet()), options.inFlight(), names));
    String ended = ResultTable.endedThreads(runs);
    if (!ended.isEmpty()) {
      System.out.println(ended);
    }
    System.out.println();
    List<String> failures = ResultTable.failures(runs);
    if (!failures.isEmpty()) {
      System.out.println("Failures and stalls:");
      failures.forEach(f -> System.out.println("  " + f));
    }
    notes.forEach(n -> System.out.println("Note: " + n));
    System.out.println("Load average at the end: " + loadAverage());
    long ok = runs.stream().mapToLong(RunResult::ok).sum();
    if (ok == 0) {
      System.out.println("No request succeeded.");
      return 1;
    }
    return 0;
  }

  /**
   * Before the first measured run, runs every JVM client once against each server at the highest
   * concurrency for twice the warm-up, discarded, so that the first client measured does not pay
   * for compiling the shared code (Netty, the server, the JDK's networking).
   */
  private void warmUpJvm(
      Map<String, Contender> contenders, Map<String, TargetServer.Starter> servers) {
    int n = options.inFlight().stream().mapToInt(Integer::intValue).max().orElse(1);
    HarnessOptions warm =
        new HarnessOptions(
            2 * Math.max(options.warmUpMillis(), 100),
            0,
            1,
            options.inFlight(),
            options.servers(),
            options.clients());
    System.err.println("JVM warm-up (discarded)...");
    for (Map.Entry<String, TargetServer.Starter> server : servers.entrySet()) {
      for (Contender c : contenders.values()) {
        if (c instanceof JvmClientContender) {
          runOne(c, server.getKey(), server.getValue(), n, warm);
        }
      }
    }
  }

  private RunResult runOne(
      Contender contender,
      String serverKind,
      TargetServer.Starter starter,
      int inFlight,
      HarnessOptions o) {
    try {
      return contender.run(serverKind, starter, inFlight, o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return RunResult.broken(serverKind, contender.name(), inFlight, e);
    } catch (Exception e) {
      return RunResult.broken(serverKind, contender.name(), inFlight, e);
    }
  }

  private Map<String, Contender> contenders(List<String> notes) {
    Map<String, Contender> all = new LinkedHashMap<>();
    for (String c : options.clients()) {
      switch (c) {
        case "mooring" -> jvm(all, "Mooring", JavaNetAdapter.mooring(IoMode.EVENT_LOOP));
        case "mooring-caller" ->
            jvm(all, "Mooring caller", JavaNetAdapter.mooring(IoMode.CALLER_THREAD));
        case "mooring-async" -> jvm(all, "Mooring sendAsync", JavaNetAdapter::mooringAsync);
        case "jdk" -> jvm(all, "JDK", JavaNetAdapter::jdk);
        case "apache" -> jvm(all, ResultTable.APACHE, ApacheClassicAdapter::open);
        case "apache-mooring" -> jvm(all, "Apache5+Mooring", ApacheClassicAdapter::openOnMooring);
        case "okhttp" -> jvm(all, ResultTable.OKHTTP, OkHttpAdapter::open);
        case "okhttp-mooring" ->
            jvm(all, "OkHttp/Mooring", OkHttpAdapter.onMooring(IoMode.EVENT_LOOP));
        case "okhttp-mooring-caller" ->
            jvm(all, "OkHttp/Mooring caller", OkHttpAdapter.onMooring(IoMode.CALLER_THREAD));
        case "huc-jdk" -> jvm(all, "HUC JDK", UrlConnectionAdapter::jdk);
        case "huc-mooring" ->
            jvm(all, "HUC/Mooring", UrlConnectionAdapter.onMooring(IoMode.EVENT_LOOP));
        case "huc-mooring-caller" ->
            jvm(all, "HUC/Mooring caller", UrlConnectionAdapter.onMooring(IoMode.CALLER_THREAD));
        case "retrofit-mooring" -> jvm(all, "Retrofit/Mooring", RetrofitAdapter::onMooring);
        case "retrofit-okhttp" -> jvm(all, "Retrofit/OkHttp", RetrofitAdapter::onOkHttp);
        case "reactor" -> jvm(all, "Reactor", ReactorNettyAdapter::open);
        case "wrk" -> {
          Optional<Path> wrk = WrkContender.find();
          if (wrk.isPresent()) {
            all.put("wrk", new WrkContender(wrk.get(), sockets));
          } else {
            notes.add("wrk not installed (Debian package wrk): no ceiling row");
          }
        }
        default -> throw new IllegalArgumentException("unknown client " + c);
      }
    }
    return all;
  }

  private void jvm(Map<String, Contender> all, String name, HttpClientAdapter.Opener opener) {
    all.put(name, new JvmClientContender(name, opener, allocation, cpu, sockets));
  }

  private Map<String, TargetServer.Starter> servers(List<String> notes) throws Exception {
    Map<String, TargetServer.Starter> all = new LinkedHashMap<>();
    for (String s : options.servers()) {
      if (s.equals("netty")) {
        all.put("netty", NettyFixedServer::start);
      } else {
        Optional<Path> nginx = NginxServer.find();
        if (nginx.isEmpty()) {
          notes.add("nginx not installed: Netty server only");
          continue;
        }
        Path binary = nginx.get();
        try {
          NginxServer.start(binary).close(); // fails fast if this nginx cannot run here
          all.put("nginx", () -> NginxServer.start(binary));
        } catch (IOException e) {
          notes.add("nginx could not start, skipped: " + e.getMessage());
        }
      }
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("no server to run against: " + notes);
    }
    return all;
  }

  private void header(Iterable<String> servers) {
    System.out.printf(
        Locale.ROOT,
        "Mooring end-to-end HTTP harness: GET on loopback, closed loop, %d round(s) of %.1f s"
            + " (+%.1f s warm-up) per run, in flight %s%n",
        options.rounds(),
        options.durationMillis() / 1000.0,
        options.warmUpMillis() / 1000.0,
        options.inFlight());
    System.out.printf(
        Locale.ROOT,
        "Machine: %s, %d cores; JDK %s %s; load average at start %s%n",
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        loadAverage());
    List<String> versions = new ArrayList<>();
    versions.add("OkHttp " + okhttp3.OkHttp.VERSION);
    org.apache.hc.core5.util.VersionInfo apache =
        org.apache.hc.core5.util.VersionInfo.loadVersionInfo(
            "org.apache.hc.client5", HttpHarness.class.getClassLoader());
    versions.add("Apache HttpClient " + (apache == null ? "?" : apache.getRelease()));
    for (String s : servers) {
      if (s.equals("nginx")) {
        NginxServer.find().ifPresent(b -> versions.add(NginxServer.version(b)));
      }
    }
    WrkContender.find().ifPresent(b -> versions.add(WrkContender.version(b)));
    System.out.println("Versions: " + String.join(", ", versions));
    System.out.println(
        "Allocation: "
            + (allocation.exact()
                ? "getTotalThreadAllocatedBytes (all threads)"
                : "sum of getThreadAllocatedBytes over live threads (dead threads lost)")
            + ", server threads excluded; latency: HdrHistogram per load thread, merged");
    System.out.println(
        "CPU and context switches: this JVM (callers, client threads, GC, JIT) without the Netty"
            + " server's threads; nginx and wrk are other processes, not counted"
            + (cpu.switchesReadable() ? "" : "; /proc unreadable: context switches n/a"));
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException e) {
      return System.getProperty("os.arch");
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
