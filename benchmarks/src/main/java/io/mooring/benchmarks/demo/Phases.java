package io.mooring.benchmarks.demo;

import java.time.Duration;
import java.util.List;

/** The phases, in order. */
final class Phases {
  private Phases() {}

  /** Every phase at {@code scale}; {@code idleEviction} is the clients' idle eviction. */
  static List<Phase> all(double scale, Duration idleEviction) {
    return List.of(
        new SteadyPhase(scale),
        new BurstIdlePhase(scale, idleEviction),
        new RacePhase(scale),
        new RestartPhase(),
        new ShutdownPhase(scale));
  }
}
