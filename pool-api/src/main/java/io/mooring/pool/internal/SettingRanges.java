package io.mooring.pool.internal;

import java.time.Duration;

/**
 * The range checks the settings builders of every Mooring module run in {@code build()}, so that a
 * setting out of range fails with one wording everywhere: {@code "<setting> is <value>; expected
 * <range>"}. Not an API: public only because the builders live in other packages and jars.
 * Stateless and thread safe.
 */
public final class SettingRanges {
  private SettingRanges() {}

  /**
   * @throws IllegalArgumentException unless {@code min <= value <= max}, as {@code "ioThreads is
   *     -1; expected 0..1024"}
   */
  public static void intRange(String setting, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          setting + " is " + value + "; expected " + min + ".." + max);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code 0 < value <= max}, as {@code "connectTimeout is
   *     PT0S; expected more than PT0S, at most PT10M"}
   */
  public static void positive(String setting, Duration value, Duration max) {
    if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          setting + " is " + value + "; expected more than PT0S, at most " + max);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code min <= value <= max}, as {@code
   *     "abortDrainTimeout is PT-0.001S; expected PT0S to PT10S"}
   */
  public static void between(String setting, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          setting + " is " + value + "; expected " + min + " to " + max);
    }
  }
}
