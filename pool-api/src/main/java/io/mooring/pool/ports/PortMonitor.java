package io.mooring.pool.ports;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mooring.pool.Scheduler;
import io.mooring.pool.Ticker;
import io.mooring.pool.ports.internal.DestinationTag;
import io.mooring.pool.ports.internal.PortMeters;
import io.mooring.pool.ports.internal.PortScanner;
import io.mooring.pool.ports.internal.PortWarnings;
import io.mooring.pool.ports.internal.ScanSchedule;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kernel's view of this network namespace's ephemeral ports, for every client in the process
 * (and outside it), not only Mooring's pools: a scan reads {@code /proc/sys/net/ipv4/
 * ip_local_port_range}, {@code /proc/net/tcp}, {@code /proc/net/tcp6} and {@code
 * /proc/net/sockstat}, and counts the sockets whose local port lies in the ephemeral range, by
 * state and by remote endpoint. Every connection to one remote (ip, port) needs its own local port,
 * so an endpoint's utilisation (its sockets divided by the range size) tells how close connects to
 * it are to failing with EADDRNOTAVAIL.
 *
 * <p>Use it on its own or with a pool:
 *
 * <pre>{@code
 * PortMonitor monitor = PortMonitor.builder().scanInterval(Duration.ofSeconds(5)).build();
 * monitor.bindTo(registry);          // mooring.ports.* gauges, no pool needed
 * monitor.watch("api.example.com", 443);
 * monitor.start();                   // scans now, then every 5 s on a daemon thread
 * ...
 * if (monitor.overHighWater(remote)) { wait for a pooled connection rather than connect }
 * ...
 * monitor.close();                   // stops scanning and removes the meters
 * }</pre>
 *
 * <p>A scan reports the top N endpoints by sockets, every watched destination, and every endpoint
 * at or above the lower of the warn threshold and the high-water mark, so {@link #overHighWater} is
 * exact for any endpoint. When a destination's utilisation reaches the warn threshold it logs one
 * {@link System.Logger} WARNING, at most once per destination per warn interval.
 *
 * <p>Off Linux (no {@code proc/net/tcp} under the root) {@link #isAvailable()} is false, scans
 * return empty snapshots, nothing is scheduled and {@code mooring.ports.available} is 0.
 *
 * <p>Thread safe. Scans are serialised; {@link #utilization}, {@link #overHighWater} and {@link
 * #lastSnapshot} read the last snapshot without I/O or locking.
 */
public final class PortMonitor implements MeterBinder, AutoCloseable {
  /** Gauge: size of the ephemeral port range, in ports. */
  public static final String RANGE = PortMeters.RANGE;

  /** Gauge: sockets with a local port in the ephemeral range, tagged {@code state}. */
  public static final String SOCKETS = PortMeters.SOCKETS;

  /** Gauge: utilisation 0..1 of the ephemeral range toward a {@code destination}. */
  public static final String UTILIZATION = PortMeters.UTILIZATION;

  /** Gauge: TIME_WAIT sockets toward a {@code destination}. */
  public static final String TIME_WAIT = PortMeters.TIME_WAIT;

  /** Gauge: CLOSE_WAIT sockets toward a {@code destination}. */
  public static final String CLOSE_WAIT = PortMeters.CLOSE_WAIT;

  /** Timer: time one scan took. */
  public static final String SCAN_DURATION = PortMeters.SCAN_DURATION;

  /** Gauge: 1 when the kernel's tables can be read, 0 otherwise. */
  public static final String AVAILABLE = PortMeters.AVAILABLE;

  /** Counter: lines of the socket tables skipped because they did not parse. */
  public static final String MALFORMED = PortMeters.MALFORMED;

  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path root;
  private final Duration scanInterval;
  private final int topN;
  private final double warnThreshold;
  private final double highWaterMark;
  private final Duration warnInterval;
  private final Ticker ticker;
  private final boolean available;
  private final ScanSchedule schedule;

  private final ConcurrentHashMap<String, InetSocketAddress> watched = new ConcurrentHashMap<>();

  // Guarded by scanLock.
  private final Object scanLock = new Object();
  private final PortScanner scanner;
  private final PortWarnings warnings;
  private final List<PortMeters> bindings = new CopyOnWriteArrayList<>();

  private final AtomicLong malformedTotal = new AtomicLong();
  private volatile PortSnapshot last;

  private PortMonitor(Builder b) {
    root = b.root;
    scanInterval = b.scanInterval;
    topN = b.topN;
    warnThreshold = b.warnThreshold;
    highWaterMark = b.highWaterMark;
    warnInterval = b.warnInterval;
    ticker = b.ticker;
    scanner =
        new PortScanner(root, b.byteOrder, topN, Math.min(warnThreshold, highWaterMark), b.ticker);
    warnings = new PortWarnings(b.logger, warnThreshold, warnInterval);
    schedule = new ScanSchedule(b.scheduler, b.executor, scanInterval, this::scan, b.logger);
    available = scanner.available();
    last =
        PortSnapshot.empty(
            available,
            available ? EphemeralPortRange.read(root) : EphemeralPortRange.IANA,
            ticker.nanoTime());
  }

  /** A builder with the defaults: root {@code /}, every 5 s, top 10, warn at 50%, high at 80%. */
  public static Builder builder() {
    return new Builder();
  }

  /** A monitor of the running system with every default. */
  public static PortMonitor create() {
    return builder().build();
  }

  /** Whether the kernel's socket tables exist under the root (false off Linux). */
  public boolean isAvailable() {
    return available;
  }

  /** The configured root under which {@code proc/...} is read. */
  public Path root() {
    return root;
  }

  /** Time between the end of one scheduled scan and the start of the next. */
  public Duration scanInterval() {
    return scanInterval;
  }

  /** How many of the busiest endpoints are always reported. */
  public int topN() {
    return topN;
  }

  /** Utilisation at which a destination is warned about. */
  public double warnThreshold() {
    return warnThreshold;
  }

  /** Utilisation at which {@link #overHighWater} turns true. */
  public double highWaterMark() {
    return highWaterMark;
  }

  /** The least time between two warnings about one destination. */
  public Duration warnInterval() {
    return warnInterval;
  }

  /**
   * Reports {@code remote} in every scan from now on, with its own meters, whatever its rank. An
   * unresolved address is resolved on the scanning thread at each scan (through the JVM's DNS
   * cache) and reported as its busiest address under the tag {@code host:port}. Pools call this for
   * their destinations and {@link #unwatch} when they retire one. Thread safe.
   */
  public void watch(InetSocketAddress remote) {
    Objects.requireNonNull(remote, "remote");
    watched.put(DestinationTag.of(remote), remote);
  }

  /** {@link #watch(InetSocketAddress)} of {@code host:port}, resolved at scan time. */
  public void watch(String host, int port) {
    watch(DestinationTag.unresolved(host, port));
  }

  /** Stops reporting {@code remote} unless it ranks by itself. Harmless if it is not watched. */
  public void unwatch(InetSocketAddress remote) {
    Objects.requireNonNull(remote, "remote");
    watched.remove(DestinationTag.of(remote));
  }

  /** {@link #unwatch(InetSocketAddress)} of {@code host:port}. */
  public void unwatch(String host, int port) {
    unwatch(DestinationTag.unresolved(host, port));
  }

  /** The watched destinations' tags, {@code host:port}. */
  public Set<String> watched() {
    return Set.copyOf(watched.keySet());
  }

  /**
   * The last snapshot; before the first scan, an empty one whose {@link PortSnapshot#available()}
   * tells whether scans will find anything. No I/O.
   */
  public PortSnapshot lastSnapshot() {
    return last;
  }

  /**
   * Utilisation 0..1 of the ephemeral range toward {@code remote} in the last snapshot; 0 when it
   * is not reported (it is then below the lower of the warn threshold and the high-water mark).
   * Cheap: no I/O, no lock.
   */
  public double utilization(InetSocketAddress remote) {
    return last.utilization(remote);
  }

  /**
   * Whether {@code remote}'s utilisation in the last snapshot is at or over the high-water mark: a
   * pool should then not open a new connection to it but wait for a pooled one. Cheap: no I/O, no
   * lock. Always false when the monitor is unavailable.
   */
  public boolean overHighWater(InetSocketAddress remote) {
    return last.utilization(remote) >= highWaterMark;
  }

  /**
   * Scans now, on the calling thread, and returns the result, which also becomes {@link
   * #lastSnapshot()}, updates the meters and may log a warning. Never throws for what the tables
   * hold; an I/O error gives an unavailable snapshot. Serialised with the scheduled scans; may be
   * called before {@link #start()} and after {@link #close()}.
   */
  public PortSnapshot scan() {
    return scan(null);
  }

  /**
   * A snapshot that reports {@code remote}, for the message of a connect that failed with
   * EADDRNOTAVAIL: the last one if under 1 s old and reporting it. Otherwise, once the monitor is
   * {@link #start() started}, still the last one, never a scan on the calling thread (the pool
   * calls this on the event loop where the connect failed), and a scan at once on the monitor's own
   * scheduler brings the meters and the next report up to date; before that (nobody else would
   * scan), a fresh scan on the calling thread.
   */
  PortSnapshot snapshotFor(InetSocketAddress remote) {
    PortSnapshot s = last;
    if (s.available()
        && ticker.nanoTime() - s.takenAtNanos() < FRESH_NANOS
        && s.find(remote) != null) {
      return s;
    }
    if (schedule.isRunning()) {
      schedule.scanSoon();
      return s;
    }
    return scan(remote);
  }

  private PortSnapshot scan(InetSocketAddress extra) {
    synchronized (scanLock) {
      long start = ticker.nanoTime();
      PortSnapshot s;
      if (!available) {
        s = PortSnapshot.empty(false, EphemeralPortRange.IANA, start);
      } else {
        try {
          List<InetSocketAddress> watchList = new ArrayList<>(watched.values());
          if (extra != null) {
            watchList.add(extra);
          }
          s = snapshot(scanner.scan(watchList, start));
        } catch (IOException | RuntimeException e) {
          s = PortSnapshot.empty(false, last.range(), ticker.nanoTime());
          warnings.scanFailed(root, e, s.takenAtNanos());
        }
      }
      last = s;
      malformedTotal.addAndGet(s.malformedLines());
      for (PortMeters m : bindings) {
        m.update(s);
      }
      warnings.warn(s.destinations(), s.range(), s.takenAtNanos());
      return s;
    }
  }

  private static PortSnapshot snapshot(PortScanner.Result r) {
    return new PortSnapshot(
        true,
        r.range(),
        r.states(),
        r.destinations(),
        r.byAddress(),
        r.byTag(),
        r.tcpInUse(),
        r.tcpTimeWait(),
        r.lines(),
        r.malformedLines(),
        r.scanNanos(),
        r.takenAtNanos());
  }

  /**
   * Adds the {@code mooring.ports.*} meters to {@code registry}: {@value #RANGE}, {@value #SOCKETS}
   * by state, {@value #AVAILABLE}, {@value #SCAN_DURATION}, {@value #MALFORMED}, and per reported
   * destination {@value #UTILIZATION}, {@value #TIME_WAIT} and {@value #CLOSE_WAIT} (removed when
   * it is no longer reported). Binding one registry twice is harmless. Thread safe.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (scanLock) {
      for (PortMeters m : bindings) {
        if (m.registry() == registry) {
          return;
        }
      }
      PortMeters m = new PortMeters(registry, this::lastSnapshot, malformedTotal::get);
      m.update(last);
      bindings.add(m);
    }
  }

  /**
   * Starts scanning: one scan at once, then one every scan interval after the previous ended, on
   * the configured scheduler or executor, or on a daemon thread of its own. Does nothing when the
   * monitor is unavailable or already started. Throws {@link IllegalStateException} after {@link
   * #close()}.
   */
  public void start() {
    schedule.start(available);
  }

  /**
   * Stops scanning, shuts down the thread the monitor started, if any, and removes its meters from
   * every registry it was bound to. Idempotent. {@link #scan()} still works afterwards.
   */
  @Override
  public void close() {
    schedule.close();
    synchronized (scanLock) {
      for (PortMeters m : bindings) {
        m.remove();
      }
      bindings.clear();
    }
  }

  @Override
  public String toString() {
    return "PortMonitor[root="
        + root
        + ", available="
        + available
        + ", interval="
        + scanInterval
        + ", top="
        + topN
        + ", warn="
        + warnThreshold
        + ", highWater="
        + highWaterMark
        + "]";
  }

  /**
   * Settings of a {@link PortMonitor}. Every setter validates its value and throws {@link
   * IllegalArgumentException} naming the setting, the value and the allowed range. Not thread safe.
   */
  public static final class Builder {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);
    private static final Duration MAX_WARN_INTERVAL = Duration.ofDays(1);

    private Path root = Path.of("/");
    private Duration scanInterval = Duration.ofSeconds(5);
    private int topN = 10;
    private double warnThreshold = 0.5;
    private double highWaterMark = 0.8;
    private Duration warnInterval = Duration.ofMinutes(5);
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private ScheduledExecutorService executor;
    private System.Logger logger = System.getLogger(PortMonitor.class.getName());
    private ByteOrder byteOrder = ByteOrder.nativeOrder();

    private Builder() {}

    /**
     * The directory under which {@code proc/...} is read; default {@code /}. Tests pass a directory
     * of fixture files.
     */
    public Builder root(Path root) {
      this.root = Objects.requireNonNull(root, "root");
      return this;
    }

    /** Time between scheduled scans, 10 ms..1 h; default 5 s. */
    public Builder scanInterval(Duration interval) {
      Objects.requireNonNull(interval, "scanInterval");
      if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
        throw invalid("scanInterval", interval, "[" + MIN_INTERVAL + ", " + MAX_INTERVAL + "]");
      }
      this.scanInterval = interval;
      return this;
    }

    /** How many of the busiest endpoints are always reported, 0..1000; default 10. */
    public Builder topN(int n) {
      if (n < 0 || n > 1000) {
        throw invalid("topN", n, "[0, 1000]");
      }
      this.topN = n;
      return this;
    }

    /** Utilisation at which a destination is warned about, in (0, 1]; default 0.5. */
    public Builder warnThreshold(double ratio) {
      this.warnThreshold = ratio("warnThreshold", ratio);
      return this;
    }

    /** Utilisation at which {@link #overHighWater} turns true, in (0, 1]; default 0.8. */
    public Builder highWaterMark(double ratio) {
      this.highWaterMark = ratio("highWaterMark", ratio);
      return this;
    }

    /** The least time between two warnings about one destination, 0..1 day; default 5 min. */
    public Builder warnInterval(Duration interval) {
      Objects.requireNonNull(interval, "warnInterval");
      if (interval.isNegative() || interval.compareTo(MAX_WARN_INTERVAL) > 0) {
        throw invalid("warnInterval", interval, "[PT0S, " + MAX_WARN_INTERVAL + "]");
      }
      this.warnInterval = interval;
      return this;
    }

    /** The time source for scan durations and warning rate limits; default the system's. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Runs scheduled scans on a pool's {@link Scheduler} (replacing any executor set). Scans do
     * file I/O for up to tens of milliseconds on large tables; give a scheduler whose thread may do
     * that.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.executor = null;
      return this;
    }

    /**
     * Runs scheduled scans on {@code executor} (replacing any scheduler set); the monitor never
     * shuts it down. Default: a daemon thread of the monitor's own, stopped by {@link #close()}.
     */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      this.scheduler = null;
      return this;
    }

    /** Where warnings go; default {@code System.getLogger("io.mooring.pool.ports.PortMonitor")}. */
    public Builder logger(System.Logger logger) {
      this.logger = Objects.requireNonNull(logger, "logger");
      return this;
    }

    /**
     * The byte order of the machine that printed the tables; default the running machine's. Only
     * for reading tables captured elsewhere.
     */
    public Builder byteOrder(ByteOrder order) {
      this.byteOrder = Objects.requireNonNull(order, "byteOrder");
      return this;
    }

    /** A monitor with these settings; not yet started. */
    public PortMonitor build() {
      return new PortMonitor(this);
    }

    private static double ratio(String name, double v) {
      if (!(v > 0 && v <= 1)) {
        throw invalid(name, v, "(0, 1]");
      }
      return v;
    }

    private static IllegalArgumentException invalid(String name, Object value, String range) {
      return new IllegalArgumentException(
          "port monitor setting " + name + " = " + value + " is out of range " + range);
    }
  }
}
