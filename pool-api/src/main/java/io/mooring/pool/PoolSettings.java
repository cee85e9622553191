package io.mooring.pool;

import static io.mooring.pool.internal.SettingRanges.between;
import static io.mooring.pool.internal.SettingRanges.intRange;
import static io.mooring.pool.internal.SettingRanges.positive;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link ConnectionPool}. Build them with {@link #builder()}; {@link
 * Builder#build()} validates every value and every rule between values, and throws {@link
 * IllegalArgumentException} naming the setting, the value and the accepted range. Nothing is ever
 * clamped silently.
 *
 * <p>Limits count every live socket, including retiring ones that wait for the peer's FIN, because
 * each of them holds a local port. Durations of {@link Duration#ZERO} mean "off" where the setting
 * says so.
 */
public final class PoolSettings {
  private static final Duration ONE_DAY = Duration.ofDays(1);

  /** The default {@link #name()}, and the stem of the names pools derive from it. */
  public static final String DEFAULT_NAME = "mooring";

  private final String name;
  private final boolean defaultName;
  private final int maxConnectionsPerDestination;
  private final int maxConnectionsTotal;
  private final int maxPendingAcquires;
  private final Duration acquireTimeout;
  private final Duration maxIdleTime;
  private final Duration maxLifetime;
  private final double lifetimeJitter;
  private final int maxRequestsPerConnection;
  private final ClosePolicy closePolicy;
  private final CloseMode fallbackClose;
  private final Duration retirementTimeout;
  private final ReuseOrder reuseOrder;
  private final Duration serverIdleTimeout;
  private final Duration keepAliveSafetyMargin;
  private final boolean learnServerIdleTimeout;
  private final Duration leakDetectionThreshold;
  private final Duration destinationExpiry;
  private final int maxDestinations;
  private final Duration shutdownGracePeriod;
  private final Duration connectRetryBudget;
  private final Duration bargingWindow;

  private PoolSettings(Builder b) {
    this.name = b.name;
    this.defaultName = b.defaultName;
    this.maxConnectionsPerDestination = b.maxConnectionsPerDestination;
    this.maxConnectionsTotal = b.maxConnectionsTotal;
    this.maxPendingAcquires = b.maxPendingAcquires;
    this.acquireTimeout = b.acquireTimeout;
    this.maxIdleTime = b.maxIdleTime;
    this.maxLifetime = b.maxLifetime;
    this.lifetimeJitter = b.lifetimeJitter;
    this.maxRequestsPerConnection = b.maxRequestsPerConnection;
    this.closePolicy = b.closePolicy;
    this.fallbackClose = b.fallbackClose;
    this.retirementTimeout = b.retirementTimeout;
    this.reuseOrder = b.reuseOrder;
    this.serverIdleTimeout = b.serverIdleTimeout;
    this.keepAliveSafetyMargin = b.keepAliveSafetyMargin;
    this.learnServerIdleTimeout = b.learnServerIdleTimeout;
    this.leakDetectionThreshold = b.leakDetectionThreshold;
    this.destinationExpiry = b.destinationExpiry;
    this.maxDestinations = b.maxDestinations;
    this.shutdownGracePeriod = b.shutdownGracePeriod;
    this.connectRetryBudget = b.connectRetryBudget;
    this.bargingWindow = b.bargingWindow;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: see each getter. */
  public static PoolSettings defaults() {
    return builder().build();
  }

  /** A builder holding these settings, to derive changed ones. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The pool's name, the {@code pool} tag of its meters. Default {@code mooring}, which each pool
   * built with it turns into a name no other open pool in the JVM has ({@code mooring}, {@code
   * mooring-2}, ...: see {@link ConnectionPool#name()}), so that the meters of two pools never
   * merge. An explicit name must not be in use by another open pool on the same meter registry.
   */
  public String name() {
    return name;
  }

  /** Whether {@link #name()} is the default, not set through {@link Builder#name(String)}. */
  public boolean isDefaultName() {
    return defaultName;
  }

  /** Live connections allowed per destination, retiring ones included. Default 32. */
  public int maxConnectionsPerDestination() {
    return maxConnectionsPerDestination;
  }

  /** Live connections allowed across all destinations. Default 512. */
  public int maxConnectionsTotal() {
    return maxConnectionsTotal;
  }

  /**
   * Acquirers allowed to wait per destination when no connection is free; past it an acquire fails
   * at once with {@link PendingAcquireLimitException}. 0 means never wait. Default 1,000.
   */
  public int maxPendingAcquires() {
    return maxPendingAcquires;
  }

  /** How long an acquire may wait for a connection, connecting included. Default 30 s. */
  public Duration acquireTimeout() {
    return acquireTimeout;
  }

  /** An idle connection older than this is retired (reason {@code idle}). Default 5 min. */
  public Duration maxIdleTime() {
    return maxIdleTime;
  }

  /** Age at which a connection retires, less a random jitter; ZERO (default) means no limit. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * Fraction of {@link #maxLifetime()} subtracted at random per connection, 0 to 0.5, so that
   * connections opened together do not retire together. Default 0.1.
   */
  public double lifetimeJitter() {
    return lifetimeJitter;
  }

  /** Leases one connection may serve; 0 (default) means no limit. */
  public int maxRequestsPerConnection() {
    return maxRequestsPerConnection;
  }

  /** How retired connections are closed. Default {@link ClosePolicy#PEER_FIRST}. */
  public ClosePolicy closePolicy() {
    return closePolicy;
  }

  /**
   * How a {@link ClosePolicy#PEER_FIRST} retirement ends when the peer has not closed by the
   * deadline. Default {@link CloseMode#ABORT}, which leaves no TIME_WAIT.
   */
  public CloseMode fallbackClose() {
    return fallbackClose;
  }

  /** How long a retiring connection waits for the peer's FIN. Default 5 s. */
  public Duration retirementTimeout() {
    return retirementTimeout;
  }

  /** Which idle connection is leased first. Default {@link ReuseOrder#LIFO}. */
  public ReuseOrder reuseOrder() {
    return reuseOrder;
  }

  /**
   * How long a blocking acquirer that waits for a connection may be overtaken by acquirers that
   * arrive after it. Default 200 µs; ZERO means strict arrival order.
   *
   * <p>While the oldest waiter has waited less than this, a connection returned after a lease
   * shorter than this goes back to the idle set, where a running thread (typically the one that
   * returned it, right back) takes it, instead of being handed to the parked waiter: a saturated
   * destination then costs no park and wake-up per lease. A connection returned after a longer
   * lease goes to the oldest waiter at once. Once a waiter has waited this long, returned
   * connections go to the waiters in arrival order again and no later acquirer is served before it
   * (bar at most one acquire per thread already past its check); a connection left idle for a
   * barger that did not come is then taken by the waiter itself. The promise: no waiter starves; it
   * waits at most this window plus what strict arrival order makes it wait from then on, and is
   * never left waiting longer than this while a connection is idle. Asynchronous acquirers ({@code
   * acquire(destination)} futures) are always served in arrival order, and waiters are never
   * overtaken by each other. PT0S to PT1S.
   */
  public Duration bargingWindow() {
    return bargingWindow;
  }

  /**
   * The servers' keep-alive (idle) timeout if known in advance; ZERO (default) means unknown, to be
   * learned from {@code Keep-Alive} hints and from observed closes.
   */
  public Duration serverIdleTimeout() {
    return serverIdleTimeout;
  }

  /**
   * An idle connection is no longer leased once it is this close to the server's expected idle
   * close, so no request races the server's FIN. Default 1 s.
   */
  public Duration keepAliveSafetyMargin() {
    return keepAliveSafetyMargin;
  }

  /**
   * Whether the idle age at which peers close connections teaches the server timeout. Default on.
   */
  public boolean learnServerIdleTimeout() {
    return learnServerIdleTimeout;
  }

  /** A lease held longer is reported once as a possible leak; ZERO (default) disables it. */
  public Duration leakDetectionThreshold() {
    return leakDetectionThreshold;
  }

  /**
   * A destination with no connections and no waiters for this long is removed, its meters with it.
   * Default 5 min.
   */
  public Duration destinationExpiry() {
    return destinationExpiry;
  }

  /** Destinations kept at once; past it the least valuable one is evicted. Default 10,000. */
  public int maxDestinations() {
    return maxDestinations;
  }

  /** How long {@link ConnectionPool#close()} waits for leased connections. Default 10 s. */
  public Duration shutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  /**
   * How long a destination whose connects are refused ({@link java.net.ConnectException}, as while
   * its server restarts) keeps its acquirers waiting and reconnects, with jittered exponential
   * backoff (one reconnect loop per destination), before they fail with the last connect failure.
   * Nothing was sent on a refused connect, so retrying is always safe. Each acquirer still fails at
   * its acquire timeout if that comes first. ZERO turns retries off: a refused connect fails the
   * acquirer at once. Default 1 s.
   */
  public Duration connectRetryBudget() {
    return connectRetryBudget;
  }

  @Override
  public String toString() {
    return "PoolSettings{name="
        + name
        + ", maxConnectionsPerDestination="
        + maxConnectionsPerDestination
        + ", maxConnectionsTotal="
        + maxConnectionsTotal
        + ", maxPendingAcquires="
        + maxPendingAcquires
        + ", acquireTimeout="
        + acquireTimeout
        + ", maxIdleTime="
        + maxIdleTime
        + ", maxLifetime="
        + maxLifetime
        + ", lifetimeJitter="
        + lifetimeJitter
        + ", maxRequestsPerConnection="
        + maxRequestsPerConnection
        + ", closePolicy="
        + closePolicy
        + ", fallbackClose="
        + fallbackClose
        + ", retirementTimeout="
        + retirementTimeout
        + ", reuseOrder="
        + reuseOrder
        + ", serverIdleTimeout="
        + serverIdleTimeout
        + ", keepAliveSafetyMargin="
        + keepAliveSafetyMargin
        + ", learnServerIdleTimeout="
        + learnServerIdleTimeout
        + ", leakDetectionThreshold="
        + leakDetectionThreshold
        + ", destinationExpiry="
        + destinationExpiry
        + ", maxDestinations="
        + maxDestinations
        + ", shutdownGracePeriod="
        + shutdownGracePeriod
        + ", connectRetryBudget="
        + connectRetryBudget
        + ", bargingWindow="
        + bargingWindow
        + '}';
  }

  /** Mutable, not thread safe; {@link #build()} validates and returns immutable settings. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private boolean defaultName = true;
    private int maxConnectionsPerDestination = 32;
    private int maxConnectionsTotal = 512;
    private int maxPendingAcquires = 1_000;
    private Duration acquireTimeout = Duration.ofSeconds(30);
    private Duration maxIdleTime = Duration.ofMinutes(5);
    private Duration maxLifetime = Duration.ZERO;
    private double lifetimeJitter = 0.1;
    private int maxRequestsPerConnection = 0;
    private ClosePolicy closePolicy = ClosePolicy.PEER_FIRST;
    private CloseMode fallbackClose = CloseMode.ABORT;
    private Duration retirementTimeout = Duration.ofSeconds(5);
    private ReuseOrder reuseOrder = ReuseOrder.LIFO;
    private Duration serverIdleTimeout = Duration.ZERO;
    private Duration keepAliveSafetyMargin = Duration.ofSeconds(1);
    private boolean learnServerIdleTimeout = true;
    private Duration leakDetectionThreshold = Duration.ZERO;
    private Duration destinationExpiry = Duration.ofMinutes(5);
    private int maxDestinations = 10_000;
    private Duration shutdownGracePeriod = Duration.ofSeconds(10);
    private Duration connectRetryBudget = Duration.ofSeconds(1);
    private Duration bargingWindow = Duration.ofNanos(200_000);

    private Builder() {}

    private Builder(PoolSettings s) {
      name = s.name;
      defaultName = s.defaultName;
      maxConnectionsPerDestination = s.maxConnectionsPerDestination;
      maxConnectionsTotal = s.maxConnectionsTotal;
      maxPendingAcquires = s.maxPendingAcquires;
      acquireTimeout = s.acquireTimeout;
      maxIdleTime = s.maxIdleTime;
      maxLifetime = s.maxLifetime;
      lifetimeJitter = s.lifetimeJitter;
      maxRequestsPerConnection = s.maxRequestsPerConnection;
      closePolicy = s.closePolicy;
      fallbackClose = s.fallbackClose;
      retirementTimeout = s.retirementTimeout;
      reuseOrder = s.reuseOrder;
      serverIdleTimeout = s.serverIdleTimeout;
      keepAliveSafetyMargin = s.keepAliveSafetyMargin;
      learnServerIdleTimeout = s.learnServerIdleTimeout;
      leakDetectionThreshold = s.leakDetectionThreshold;
      destinationExpiry = s.destinationExpiry;
      maxDestinations = s.maxDestinations;
      shutdownGracePeriod = s.shutdownGracePeriod;
      connectRetryBudget = s.connectRetryBudget;
      bargingWindow = s.bargingWindow;
    }

    /** See {@link PoolSettings#name()}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      this.defaultName = false;
      return this;
    }

    /** See {@link PoolSettings#maxConnectionsPerDestination()}. */
    public Builder maxConnectionsPerDestination(int max) {
      this.maxConnectionsPerDestination = max;
      return this;
    }

    /** See {@link PoolSettings#maxConnectionsTotal()}. */
    public Builder maxConnectionsTotal(int max) {
      this.maxConnectionsTotal = max;
      return this;
    }

    /** See {@link PoolSettings#maxPendingAcquires()}. */
    public Builder maxPendingAcquires(int max) {
      this.maxPendingAcquires = max;
      return this;
    }

    /** See {@link PoolSettings#acquireTimeout()}. */
    public Builder acquireTimeout(Duration timeout) {
      this.acquireTimeout = Objects.requireNonNull(timeout, "acquireTimeout");
      return this;
    }

    /** See {@link PoolSettings#maxIdleTime()}. */
    public Builder maxIdleTime(Duration time) {
      this.maxIdleTime = Objects.requireNonNull(time, "maxIdleTime");
      return this;
    }

    /** See {@link PoolSettings#maxLifetime()}. */
    public Builder maxLifetime(Duration lifetime) {
      this.maxLifetime = Objects.requireNonNull(lifetime, "maxLifetime");
      return this;
    }

    /** See {@link PoolSettings#lifetimeJitter()}. */
    public Builder lifetimeJitter(double fraction) {
      this.lifetimeJitter = fraction;
      return this;
    }

    /** See {@link PoolSettings#maxRequestsPerConnection()}. */
    public Builder maxRequestsPerConnection(int max) {
      this.maxRequestsPerConnection = max;
      return this;
    }

    /** See {@link PoolSettings#closePolicy()}. */
    public Builder closePolicy(ClosePolicy policy) {
      this.closePolicy = Objects.requireNonNull(policy, "closePolicy");
      return this;
    }

    /** See {@link PoolSettings#fallbackClose()}. */
    public Builder fallbackClose(CloseMode mode) {
      this.fallbackClose = Objects.requireNonNull(mode, "fallbackClose");
      return this;
    }

    /** See {@link PoolSettings#retirementTimeout()}. */
    public Builder retirementTimeout(Duration timeout) {
      this.retirementTimeout = Objects.requireNonNull(timeout, "retirementTimeout");
      return this;
    }

    /** See {@link PoolSettings#reuseOrder()}. */
    public Builder reuseOrder(ReuseOrder order) {
      this.reuseOrder = Objects.requireNonNull(order, "reuseOrder");
      return this;
    }

    /** See {@link PoolSettings#bargingWindow()}. */
    public Builder bargingWindow(Duration window) {
      this.bargingWindow = Objects.requireNonNull(window, "bargingWindow");
      return this;
    }

    /** See {@link PoolSettings#serverIdleTimeout()}. */
    public Builder serverIdleTimeout(Duration timeout) {
      this.serverIdleTimeout = Objects.requireNonNull(timeout, "serverIdleTimeout");
      return this;
    }

    /** See {@link PoolSettings#keepAliveSafetyMargin()}. */
    public Builder keepAliveSafetyMargin(Duration margin) {
      this.keepAliveSafetyMargin = Objects.requireNonNull(margin, "keepAliveSafetyMargin");
      return this;
    }

    /** See {@link PoolSettings#learnServerIdleTimeout()}. */
    public Builder learnServerIdleTimeout(boolean learn) {
      this.learnServerIdleTimeout = learn;
      return this;
    }

    /** See {@link PoolSettings#leakDetectionThreshold()}. */
    public Builder leakDetectionThreshold(Duration threshold) {
      this.leakDetectionThreshold = Objects.requireNonNull(threshold, "leakDetectionThreshold");
      return this;
    }

    /** See {@link PoolSettings#destinationExpiry()}. */
    public Builder destinationExpiry(Duration expiry) {
      this.destinationExpiry = Objects.requireNonNull(expiry, "destinationExpiry");
      return this;
    }

    /** See {@link PoolSettings#maxDestinations()}. */
    public Builder maxDestinations(int max) {
      this.maxDestinations = max;
      return this;
    }

    /** See {@link PoolSettings#shutdownGracePeriod()}. */
    public Builder shutdownGracePeriod(Duration period) {
      this.shutdownGracePeriod = Objects.requireNonNull(period, "shutdownGracePeriod");
      return this;
    }

    /** See {@link PoolSettings#connectRetryBudget()}. */
    public Builder connectRetryBudget(Duration budget) {
      this.connectRetryBudget = Objects.requireNonNull(budget, "connectRetryBudget");
      return this;
    }

    /**
     * Validates and returns the settings.
     *
     * @throws IllegalArgumentException naming the first setting out of range, its value and the
     *     range
     */
    public PoolSettings build() {
      if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
        throw new IllegalArgumentException(
            "name is '" + name + "'; expected a non-empty name of visible ASCII characters");
      }
      intRange("maxConnectionsPerDestination", maxConnectionsPerDestination, 1, 1_000_000);
      intRange("maxConnectionsTotal", maxConnectionsTotal, 1, 1_000_000);
      if (maxConnectionsTotal < maxConnectionsPerDestination) {
        throw new IllegalArgumentException(
            "maxConnectionsTotal is "
                + maxConnectionsTotal
                + " but maxConnectionsPerDestination is "
                + maxConnectionsPerDestination
                + "; expected maxConnectionsTotal >= maxConnectionsPerDestination");
      }
      intRange("maxPendingAcquires", maxPendingAcquires, 0, 10_000_000);
      positive("acquireTimeout", acquireTimeout, ONE_DAY);
      positive("maxIdleTime", maxIdleTime, ONE_DAY);
      between("maxLifetime", maxLifetime, Duration.ZERO, Duration.ofDays(365));
      if (!(lifetimeJitter >= 0 && lifetimeJitter <= 0.5)) {
        throw new IllegalArgumentException(
            "lifetimeJitter is " + lifetimeJitter + "; expected a fraction in [0, 0.5]");
      }
      intRange("maxRequestsPerConnection", maxRequestsPerConnection, 0, Integer.MAX_VALUE);
      positive("retirementTimeout", retirementTimeout, Duration.ofMinutes(10));
      between("serverIdleTimeout", serverIdleTimeout, Duration.ZERO, ONE_DAY);
      between(
          "keepAliveSafetyMargin", keepAliveSafetyMargin, Duration.ZERO, Duration.ofMinutes(10));
      if (!serverIdleTimeout.isZero() && keepAliveSafetyMargin.compareTo(serverIdleTimeout) >= 0) {
        throw new IllegalArgumentException(
            "keepAliveSafetyMargin is "
                + keepAliveSafetyMargin
                + " but serverIdleTimeout is "
                + serverIdleTimeout
                + "; expected keepAliveSafetyMargin < serverIdleTimeout");
      }
      between("leakDetectionThreshold", leakDetectionThreshold, Duration.ZERO, ONE_DAY);
      positive("destinationExpiry", destinationExpiry, ONE_DAY);
      intRange("maxDestinations", maxDestinations, 1, 10_000_000);
      between("shutdownGracePeriod", shutdownGracePeriod, Duration.ZERO, Duration.ofHours(1));
      between("connectRetryBudget", connectRetryBudget, Duration.ZERO, Duration.ofMinutes(10));
      between("bargingWindow", bargingWindow, Duration.ZERO, Duration.ofSeconds(1));
      return new PoolSettings(this);
    }
  }
}
