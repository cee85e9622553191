package io.mooring.pool;

/** How a transport closes one connection when the pool asks it to. */
public enum CloseMode {
  /** A normal close that sends FIN: the client side enters TIME_WAIT. */
  GRACEFUL,
  /** SO_LINGER=0 then close, which sends RST: no TIME_WAIT. Only used with nothing in flight. */
  ABORT
}
