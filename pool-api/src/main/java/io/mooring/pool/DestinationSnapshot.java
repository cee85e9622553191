package io.mooring.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * One destination as {@link ConnectionPool#snapshot()} saw it: its connection and waiter counts and
 * the server idle timeout the pool works with for it. Immutable.
 *
 * @param stats the destination's connections and waiters
 * @param serverIdleTimeout the smallest of the declared ({@link PoolSettings#serverIdleTimeout()}),
 *     announced (HTTP {@code Keep-Alive: timeout}) and learned (idle age at which the server
 *     closed) timeouts; {@link Duration#ZERO} when none is known
 */
public record DestinationSnapshot(PoolStats stats, Duration serverIdleTimeout) {
  /** Checks that neither component is null. */
  public DestinationSnapshot {
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(serverIdleTimeout, "serverIdleTimeout");
  }

  /** The destination. */
  public Destination destination() {
    return stats.destination();
  }
}
