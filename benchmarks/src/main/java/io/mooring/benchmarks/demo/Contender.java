package io.mooring.benchmarks.demo;

/**
 * One client the demonstration compares: the key {@code --clients} selects it by, the name tables
 * and charts show, and how to build it for a phase run. Immutable.
 */
record Contender(String key, String name, Opener opener) {

  /** Builds a fresh client for one phase run. */
  @FunctionalInterface
  interface Opener {
    /** A new client built with {@code setup}; the caller closes it. */
    DemoClient open(ClientSetup setup) throws Exception;
  }

  /** Whether this is Mooring's own client, which the table compares every other one with. */
  boolean isMooring() {
    return key.equals(Contenders.MOORING);
  }
}
