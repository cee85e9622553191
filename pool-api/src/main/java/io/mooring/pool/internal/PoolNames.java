package io.mooring.pool.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.pool.PoolSettings;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The names of open pools, so that the meters of two pools never merge: two pools tagged alike on
 * one registry would share gauges, and one removing a destination would delete the other's meters.
 *
 * <p>A pool with the default name gets the first of {@code mooring}, {@code mooring-2}, ... that no
 * open pool in the JVM holds. An explicit name is the user's identity for the pool on dashboards,
 * so it is never changed silently: a second open pool with the same explicit name on the same
 * registry is refused. A name is held from the pool's construction until its meters are removed at
 * the end of its close. Thread safe.
 */
final class PoolNames {
  /** Default names held by open pools, whatever their registry. */
  private static final Set<String> DEFAULTS = new HashSet<>();

  /** Names held per registry; weak, so a registry dropped by its owner is not kept alive. */
  private static final Map<MeterRegistry, Set<String>> BY_REGISTRY = new WeakHashMap<>();

  private PoolNames() {}

  /**
   * Claims the name of a new pool with {@code settings} on {@code registry} (null: none).
   *
   * @throws IllegalStateException if the explicit name is held by another open pool on {@code
   *     registry}
   */
  static synchronized String claim(PoolSettings settings, MeterRegistry registry) {
    Set<String> onRegistry =
        registry == null ? Set.of() : BY_REGISTRY.computeIfAbsent(registry, r -> new HashSet<>());
    String name = settings.name();
    if (settings.isDefaultName()) {
      for (int i = 2; DEFAULTS.contains(name) || onRegistry.contains(name); i++) {
        name = settings.name() + "-" + i;
      }
      DEFAULTS.add(name);
    } else if (onRegistry.contains(name)) {
      throw new IllegalStateException(
          "pool name '"
              + name
              + "' is in use by another open pool on this MeterRegistry; the meters of the two"
              + " pools would merge: give each pool its own PoolSettings.name, or close the other"
              + " pool first");
    }
    if (registry != null) {
      onRegistry.add(name);
    }
    return name;
  }

  /** Gives back a name claimed by {@link #claim}, once the pool's meters are gone. */
  static synchronized void release(String name, boolean defaultName, MeterRegistry registry) {
    if (defaultName) {
      DEFAULTS.remove(name);
    }
    if (registry != null) {
      Set<String> onRegistry = BY_REGISTRY.get(registry);
      if (onRegistry != null) {
        onRegistry.remove(name);
      }
    }
  }
}
