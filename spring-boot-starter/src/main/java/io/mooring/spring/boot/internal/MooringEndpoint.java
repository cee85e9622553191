package io.mooring.spring.boot.internal;

import io.mooring.http.MooringHttpClient;
import io.mooring.pool.ConnectionPool;
import io.mooring.pool.DestinationSnapshot;
import io.mooring.pool.PoolStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code mooring} actuator endpoint ({@code /actuator/mooring} once exposed): the pool's state
 * per destination, read from {@link ConnectionPool#snapshot()} at each call. Same annotations and
 * package on Spring Boot 3.5 and 4.0. Thread safe; the caller owns the client.
 */
@Endpoint(id = "mooring")
public final class MooringEndpoint {
  /** The value of {@code serverIdleTimeout} when the pool knows none. */
  public static final String UNKNOWN = "unknown";

  private final MooringHttpClient client;

  /** The endpoint of {@code client}'s pool. */
  public MooringEndpoint(MooringHttpClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * {@code pool} (its name) and {@code destinations}: for each destination ({@code
   * scheme://host:port}) its {@code active}, {@code idle}, {@code connecting}, {@code retiring} and
   * {@code total} connections, {@code pending} acquirers, {@code max} connections and {@code
   * serverIdleTimeout} (ISO-8601, the declared, announced or learned one in use, or {@value
   * #UNKNOWN}).
   */
  @ReadOperation
  public Map<String, Object> pool() {
    ConnectionPool<?> pool = client.pool();
    Map<String, Object> destinations = new LinkedHashMap<>();
    for (DestinationSnapshot d : pool.snapshot()) {
      PoolStats s = d.stats();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("active", s.active());
      m.put("idle", s.idle());
      m.put("connecting", s.connecting());
      m.put("retiring", s.retiring());
      m.put("total", s.total());
      m.put("pending", s.pending());
      m.put("max", s.max());
      Duration timeout = d.serverIdleTimeout();
      m.put("serverIdleTimeout", timeout.isZero() ? UNKNOWN : timeout.toString());
      destinations.put(d.destination().toString(), m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pool", pool.name());
    body.put("destinations", destinations);
    return body;
  }
}
