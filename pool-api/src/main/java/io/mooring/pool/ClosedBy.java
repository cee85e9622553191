package io.mooring.pool;

import java.util.Locale;

/** Who ended a connection, which decides on which host its TIME_WAIT lands. */
public enum ClosedBy {
  /** The peer sent the first FIN (or RST): the TIME_WAIT, if any, is on the peer. */
  PEER,
  /** We sent the first FIN: one client TIME_WAIT for 60 s. */
  LOCAL,
  /** We sent RST (SO_LINGER=0): no TIME_WAIT on either side. */
  ABORT;

  /** The value of the {@code closed_by} tag: {@code peer}, {@code local} or {@code abort}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
