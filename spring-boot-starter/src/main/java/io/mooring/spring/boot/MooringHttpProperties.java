package io.mooring.spring.boot;

import io.mooring.http.IoMode;
import io.mooring.pool.ClosePolicy;
import io.mooring.pool.ports.PortMonitor;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mooring.http.*} properties of the auto-configured {@link
 * io.mooring.http.MooringHttpClient}. Every value is checked when the client is built; a value out
 * of range fails startup with a failure analysis naming the property, the value and the accepted
 * range.
 *
 * <p>Not thread safe: Spring Boot binds it once at startup.
 */
@ConfigurationProperties(MooringHttpProperties.PREFIX)
public class MooringHttpProperties {
  /** The prefix of these properties. */
  public static final String PREFIX = "mooring.http";

  // The defaults are PoolSettings' own, written out so that the configuration metadata shows them
  // (MooringHttpPropertiesTest keeps them equal).

  /**
   * Whether to configure the MooringHttpClient bean and put the auto-configured RestClient,
   * RestTemplate and WebClient builders on it.
   */
  private boolean enabled = true;

  /**
   * The pool's name, the 'pool' tag of its meters. Default: spring.application.name, else
   * 'mooring'.
   */
  private String name;

  /** Live connections allowed per destination (host and port), retiring ones included. */
  private int maxConnectionsPerDestination = 32;

  /** Live connections allowed across all destinations. */
  private int maxConnectionsTotal = 512;

  /** An idle connection older than this is retired. */
  private Duration maxIdleTime = Duration.ofMinutes(5);

  /** Age at which a connection retires (less a random jitter); 0 means no limit. */
  private Duration maxLifetime = Duration.ZERO;

  /**
   * Requests one connection may serve; the last one asks the server to close ('Connection: close').
   * 0 means no limit.
   */
  private int maxRequestsPerConnection = 0;

  /**
   * The servers' keep-alive (idle) timeout, if known; 0 means unknown, learned from 'Keep-Alive'
   * headers and from the idle age at which servers close.
   */
  private Duration serverIdleTimeout = Duration.ZERO;

  /**
   * How retired connections close: PEER_FIRST (wait for the server's FIN, no client TIME_WAIT),
   * ABORT (RST, no TIME_WAIT) or GRACEFUL (FIN, one client TIME_WAIT per close).
   */
  private ClosePolicy closePolicy = ClosePolicy.PEER_FIRST;

  /** How long a retiring connection waits for the server's FIN before it is aborted. */
  private Duration retirementTimeout = Duration.ofSeconds(5);

  /** How long a request may wait for a connection, connecting included. */
  private Duration acquireTimeout = Duration.ofSeconds(30);

  /** Requests allowed to wait for a connection per destination; past it a request fails at once. */
  private int maxPendingAcquires = 1_000;

  /**
   * TCP connect timeout, in whole milliseconds. Default: Spring Boot's
   * spring.http.client.connect-timeout (Boot 3) or spring.http.clients.connect-timeout (Boot 4)
   * when set, else 10 s.
   */
  private Duration connectTimeout;

  /**
   * The redirect policy of the client: NEVER, NORMAL (not from https to http) or ALWAYS. Default
   * NORMAL, as Spring Boot's own JDK client follows redirects.
   */
  private HttpClient.Redirect redirects = HttpClient.Redirect.NORMAL;

  /**
   * Which threads do the client's socket I/O: EVENT_LOOP (Netty event loops; suits WebClient and
   * many requests in flight) or CALLER_THREAD (the thread that sends does the exchange itself on a
   * blocking socket, as Apache HttpClient classic does; suits RestClient, RestTemplate and
   * HttpURLConnection callers, which block on every request). Default EVENT_LOOP.
   */
  private IoMode io = IoMode.EVENT_LOOP;

  /**
   * Whether the client records its own http.client.requests timer. Default: only when Spring's
   * observation is off (no ObservationRegistry bean); with it on, Spring times the requests of
   * RestClient, RestTemplate and WebClient under that name, and both would count each request. The
   * pool's mooring.* meters are recorded either way.
   */
  private Boolean requestMetrics;

  private final PortMonitorProperties portMonitor = new PortMonitorProperties();

  private final UrlConnectionProperties urlConnection = new UrlConnectionProperties();

  /** See the property's description. */
  public boolean isEnabled() {
    return enabled;
  }

  /** See the property's description. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** See the property's description. */
  public IoMode getIo() {
    return io;
  }

  /** See the property's description. */
  public void setIo(IoMode io) {
    this.io = io;
  }

  /** See the property's description; null when not set. */
  public String getName() {
    return name;
  }

  /** See the property's description. */
  public void setName(String name) {
    this.name = name;
  }

  /** See the property's description. */
  public int getMaxConnectionsPerDestination() {
    return maxConnectionsPerDestination;
  }

  /** See the property's description. */
  public void setMaxConnectionsPerDestination(int maxConnectionsPerDestination) {
    this.maxConnectionsPerDestination = maxConnectionsPerDestination;
  }

  /** See the property's description. */
  public int getMaxConnectionsTotal() {
    return maxConnectionsTotal;
  }

  /** See the property's description. */
  public void setMaxConnectionsTotal(int maxConnectionsTotal) {
    this.maxConnectionsTotal = maxConnectionsTotal;
  }

  /** See the property's description. */
  public Duration getMaxIdleTime() {
    return maxIdleTime;
  }

  /** See the property's description. */
  public void setMaxIdleTime(Duration maxIdleTime) {
    this.maxIdleTime = maxIdleTime;
  }

  /** See the property's description. */
  public Duration getMaxLifetime() {
    return maxLifetime;
  }

  /** See the property's description. */
  public void setMaxLifetime(Duration maxLifetime) {
    this.maxLifetime = maxLifetime;
  }

  /** See the property's description. */
  public int getMaxRequestsPerConnection() {
    return maxRequestsPerConnection;
  }

  /** See the property's description. */
  public void setMaxRequestsPerConnection(int maxRequestsPerConnection) {
    this.maxRequestsPerConnection = maxRequestsPerConnection;
  }

  /** See the property's description. */
  public Duration getServerIdleTimeout() {
    return serverIdleTimeout;
  }

  /** See the property's description. */
  public void setServerIdleTimeout(Duration serverIdleTimeout) {
    this.serverIdleTimeout = serverIdleTimeout;
  }

  /** See the property's description. */
  public ClosePolicy getClosePolicy() {
    return closePolicy;
  }

  /** See the property's description. */
  public void setClosePolicy(ClosePolicy closePolicy) {
    this.closePolicy = closePolicy;
  }

  /** See the property's description. */
  public Duration getRetirementTimeout() {
    return retirementTimeout;
  }

  /** See the property's description. */
  public void setRetirementTimeout(Duration retirementTimeout) {
    this.retirementTimeout = retirementTimeout;
  }

  /** See the property's description. */
  public Duration getAcquireTimeout() {
    return acquireTimeout;
  }

  /** See the property's description. */
  public void setAcquireTimeout(Duration acquireTimeout) {
    this.acquireTimeout = acquireTimeout;
  }

  /** See the property's description. */
  public int getMaxPendingAcquires() {
    return maxPendingAcquires;
  }

  /** See the property's description. */
  public void setMaxPendingAcquires(int maxPendingAcquires) {
    this.maxPendingAcquires = maxPendingAcquires;
  }

  /** See the property's description; null when not set. */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /** See the property's description. */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** See the property's description. */
  public HttpClient.Redirect getRedirects() {
    return redirects;
  }

  /** See the property's description. */
  public void setRedirects(HttpClient.Redirect redirects) {
    this.redirects = redirects;
  }

  /** See the property's description; null when not set. */
  public Boolean getRequestMetrics() {
    return requestMetrics;
  }

  /** See the property's description. */
  public void setRequestMetrics(Boolean requestMetrics) {
    this.requestMetrics = requestMetrics;
  }

  /** The {@code mooring.http.port-monitor.*} properties. */
  public PortMonitorProperties getPortMonitor() {
    return portMonitor;
  }

  /** The {@code mooring.http.url-connection.*} properties. */
  public UrlConnectionProperties getUrlConnection() {
    return urlConnection;
  }

  /** The HttpURLConnection drop-in, for legacy code and libraries built on HttpURLConnection. */
  public static class UrlConnectionProperties {
    /**
     * Whether new URL("http(s)://...").openConnection() anywhere in the JVM runs on this client
     * while the application context is open (the JVM's URLStreamHandlerFactory, which the JVM takes
     * once; startup fails if another one is set or another open context has it).
     */
    private boolean install = false;

    /** See the property's description. */
    public boolean isInstall() {
      return install;
    }

    /** See the property's description. */
    public void setInstall(boolean install) {
      this.install = install;
    }
  }

  /** The kernel port monitor ({@link PortMonitor}): its meters, warnings and back-pressure. */
  public static class PortMonitorProperties {
    /**
     * Whether to scan the kernel's socket tables (Linux) for ephemeral port use per destination,
     * publish the mooring.ports.* meters and the health indicator, and hold back new connections
     * past the high-water mark.
     */
    private boolean enabled = true;

    /** How often the socket tables are scanned. */
    private Duration scanInterval = Duration.ofSeconds(5);

    /** Share (0 to 1) of the ephemeral port range toward one destination that logs a warning. */
    private double warnThreshold = 0.5;

    /**
     * Share (0 to 1) of the ephemeral port range toward one destination past which the pool opens
     * no new connection to it (requests wait for pooled ones) and the health is OUT_OF_SERVICE.
     */
    private double highWaterMark = 0.8;

    /** See the property's description. */
    public boolean isEnabled() {
      return enabled;
    }

    /** See the property's description. */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** See the property's description. */
    public Duration getScanInterval() {
      return scanInterval;
    }

    /** See the property's description. */
    public void setScanInterval(Duration scanInterval) {
      this.scanInterval = scanInterval;
    }

    /** See the property's description. */
    public double getWarnThreshold() {
      return warnThreshold;
    }

    /** See the property's description. */
    public void setWarnThreshold(double warnThreshold) {
      this.warnThreshold = warnThreshold;
    }

    /** See the property's description. */
    public double getHighWaterMark() {
      return highWaterMark;
    }

    /** See the property's description. */
    public void setHighWaterMark(double highWaterMark) {
      this.highWaterMark = highWaterMark;
    }
  }
}
