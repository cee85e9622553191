package io.mooring.benchmarks.demo;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mooring.pool.ports.PortMonitor;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs one phase for every client side by side, each against its own fresh server on its own port,
 * while a {@link SocketSampler} reads the kernel's table. Phases that do not close the client
 * themselves are measured before it is closed. Not thread safe; one phase at a time.
 */
final class PhaseRunner {
  private static final long SAMPLE_MILLIS = 100;

  private final List<Contender> contenders;
  private final PrometheusMeterRegistry registry;
  private final PortMonitor monitor;
  private final ServerPorts ports;
  private final Duration idleEviction;
  private final int maxInFlight;
  private final PrintStream out;

  PhaseRunner(
      List<Contender> contenders,
      PrometheusMeterRegistry registry,
      PortMonitor monitor,
      Duration idleEviction,
      int maxInFlight,
      PrintStream out) {
    this.contenders = contenders;
    this.registry = registry;
    this.monitor = monitor;
    this.ports = new ServerPorts(monitor);
    this.idleEviction = idleEviction;
    this.maxInFlight = maxInFlight;
    this.out = out;
  }

  /** Runs {@code phase} for every client and returns their results in contender order. */
  List<Result> run(Phase phase) throws Exception {
    Map<String, Client> clients = new LinkedHashMap<>();
    try {
      for (Contender c : contenders) {
        DemoServer server =
            new DemoServer(ports.next(), phase.serverMaxRequests(), phase.serverKeepAlive());
        clients.put(c.name(), new Client(c, server));
      }
      Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
      clients.forEach((name, c) -> addresses.put(name, c.address()));
      try (SocketSampler sampler = new SocketSampler(monitor, addresses, SAMPLE_MILLIS)) {
        for (Client c : clients.values()) {
          c.open(phase, sampler);
        }
        out.println();
        out.println("Phase " + phase.title() + ": " + phase.summary());
        List<Thread> threads = new ArrayList<>();
        for (Client c : clients.values()) {
          Thread t = new Thread(() -> c.runPhase(phase), "demo-" + c.contender.key());
          threads.add(t);
          t.start();
        }
        long start = System.nanoTime();
        long tick = start + 1_000_000_000L;
        for (Thread t : threads) {
          while (t.isAlive()) {
            t.join(Math.max(1, (tick - System.nanoTime()) / 1_000_000));
            if (System.nanoTime() - tick >= 0) {
              progress(clients, sampler, (System.nanoTime() - start) / 1e9);
              tick += 1_000_000_000L;
            }
          }
        }
        List<Result> results = new ArrayList<>();
        for (Client c : clients.values()) {
          results.add(c.result);
        }
        return results;
      }
    } finally {
      for (Client c : clients.values()) {
        c.close();
      }
    }
  }

  private void progress(Map<String, Client> clients, SocketSampler sampler, double seconds) {
    Map<String, SocketSampler.Reading> now = sampler.sample();
    out.println(
        String.format(Locale.ROOT, "  %5.1f s  ", seconds)
            + clients.values().stream()
                .map(c -> c.progress(now.get(c.contender.name())))
                .collect(Collectors.joining(" | ")));
  }

  /** One client's run of the phase: its server, its client, its load. */
  private final class Client implements PhaseRun {
    final Contender contender;
    final DemoServer server;
    volatile Workload load;
    private DemoClient client;
    private SocketSampler sampler;
    private String pool = "";
    private String meters = "";
    private String setupError = "";
    private boolean closed;
    volatile Result result;

    Client(Contender contender, DemoServer server) {
      this.contender = contender;
      this.server = server;
    }

    String progress(SocketSampler.Reading now) {
      Result r = result;
      if (r != null) {
        return String.format(
            Locale.ROOT,
            "%s done: %,d ok %,d failed TW %,d",
            contender.key(),
            r.ok(),
            r.failed(),
            r.timeWait());
      }
      return String.format(
          Locale.ROOT,
          "%s %,d ok %,d failed TW %,d",
          contender.key(),
          load == null ? 0 : load.ok(),
          load == null ? 0 : load.failed(),
          now.timeWait());
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", server.port());
    }

    void open(Phase phase, SocketSampler sampler) {
      this.sampler = sampler;
      pool = contender.key() + "-" + phase.key();
      try {
        client =
            contender.opener().open(new ClientSetup(registry, pool, idleEviction, maxInFlight));
        load = new Workload(client, URI.create("http://127.0.0.1:" + server.port() + "/"));
      } catch (Exception e) {
        setupError = "could not build the client: " + e;
      }
    }

    /**
     * Runs the phase, then measures at once: a client that finishes first must not be charged for
     * what its idle eviction does while the others still run.
     */
    void runPhase(Phase phase) {
      if (load != null) {
        try {
          phase.run(this);
        } catch (Exception | AssertionError e) {
          setupError = "the phase stopped: " + e;
        }
      }
      result = measure(phase);
    }

    private Result measure(Phase phase) {
      sampler.sample();
      SocketSampler.Reading peak = sampler.peak(contender.name());
      String error = load == null || load.firstError().isEmpty() ? setupError : load.firstError();
      return new Result(
          phase,
          contender,
          load == null ? 0 : load.ok(),
          load == null ? 0 : load.failed(),
          error,
          server.accepted(),
          peak.timeWait(),
          peak.closeWait(),
          peak.sockets(),
          sampler.series(contender.name()),
          closed ? meters : scrape());
    }

    @Override
    public Workload load() {
      return load;
    }

    @Override
    public DemoServer server() {
      return server;
    }

    @Override
    public synchronized void closeClient() {
      if (closed || client == null) {
        return;
      }
      meters = scrape(); // the pool's meters go with it
      closed = true;
      client.close();
    }

    @Override
    public void awaitClientSocketsClosed(Duration limit) {
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() - deadline < 0) {
        SocketSampler.Reading r = sampler.sample().get(contender.name());
        if (r.sockets() == r.timeWait()) {
          return;
        }
        System.gc(); // a client without close() lets its connections go when it is collected
        Workload.pause(100_000_000);
      }
    }

    private String scrape() {
      String tag = "pool=\"" + pool + "\"";
      return registry
          .scrape()
          .lines()
          .filter(l -> !l.startsWith("#") && l.contains(tag))
          .collect(Collectors.joining("\n"));
    }

    void close() {
      try {
        closeClient();
      } finally {
        server.close();
      }
    }
  }
}
