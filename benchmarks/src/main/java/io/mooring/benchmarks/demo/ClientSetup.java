package io.mooring.benchmarks.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.pool.PoolSettings;
import java.time.Duration;

/**
 * What every client of one phase run is built with.
 *
 * @param registry where Mooring-based clients register their meters
 * @param poolName the name of a Mooring pool (so each phase's meters can be told apart)
 * @param idleEviction how long an idle connection is kept, for every client that has the setting:
 *     the one setting changed from the libraries' defaults (minutes) so phases last seconds
 * @param maxInFlight the most requests any phase has in flight at once, for clients whose pool must
 *     be sized to it
 */
record ClientSetup(
    MeterRegistry registry, String poolName, Duration idleEviction, int maxInFlight) {

  /** The connect timeout every client uses. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The response timeout every client uses. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

  /** Mooring's default pool settings but for the name and the idle eviction. */
  PoolSettings mooringPool() {
    return PoolSettings.builder().name(poolName).maxIdleTime(idleEviction).build();
  }

  /**
   * Mooring's client as every Mooring-based contender runs on it: the connect timeout, {@link
   * #mooringPool()} and the meters, with the library's default {@link IoMode}. The caller closes
   * it.
   */
  MooringHttpClient mooringClient() {
    return mooringClient(IoMode.EVENT_LOOP);
  }

  /** {@link #mooringClient()} doing its socket I/O as {@code io} says. The caller closes it. */
  MooringHttpClient mooringClient(IoMode io) {
    return MooringHttpClient.newBuilder()
        .io(io)
        .connectTimeout(CONNECT_TIMEOUT)
        .poolSettings(mooringPool())
        .meterRegistry(registry)
        .build();
  }

  /** The settings line of {@link #mooringPool()}'s idle eviction. */
  String mooringIdleSetting() {
    return "maxIdleTime " + idleSeconds() + " (default 5 min)";
  }

  /** The idle eviction in seconds, for the settings lines. */
  String idleSeconds() {
    return idleEviction.toMillis() % 1000 == 0
        ? idleEviction.toSeconds() + " s"
        : idleEviction.toMillis() / 1000.0 + " s";
  }
}
