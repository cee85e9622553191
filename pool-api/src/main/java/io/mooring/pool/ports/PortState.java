package io.mooring.pool.ports;

import java.util.Locale;

/**
 * The TCP states the port monitor counts, as reported by {@code /proc/net/tcp}. FIN_WAIT1 and
 * FIN_WAIT2 are merged into {@link #FIN_WAIT}; every state not named here (SYN_SENT, SYN_RECV,
 * CLOSE, LAST_ACK, LISTEN, CLOSING) is {@link #OTHER}. Immutable and thread safe.
 */
public enum PortState {
  /** An open connection (kernel state 01). */
  ESTABLISHED,
  /** We closed first and the 4-tuple is held for 60 s (kernel state 06). */
  TIME_WAIT,
  /** The peer closed and we have not: a leak in a client when it lasts (kernel state 08). */
  CLOSE_WAIT,
  /** We closed first and wait for the peer's FIN or ACK (kernel states 04 and 05). */
  FIN_WAIT,
  /** Every other state. */
  OTHER;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used as the {@code state} tag value, such as {@code time_wait}. */
  public String tag() {
    return tag;
  }

  /**
   * The state for a kernel state number ({@code st} column, 1..12); {@link #OTHER} for any number
   * not named here.
   */
  public static PortState ofKernelState(int st) {
    switch (st) {
      case 0x01:
        return ESTABLISHED;
      case 0x06:
        return TIME_WAIT;
      case 0x08:
        return CLOSE_WAIT;
      case 0x04:
      case 0x05:
        return FIN_WAIT;
      default:
        return OTHER;
    }
  }
}
