package io.mooring.pool.ports.internal;

import io.mooring.pool.ports.PortState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A byte-level parser of the kernel's TCP socket tables ({@code /proc/net/tcp} and {@code
 * /proc/net/tcp6}). It reads the {@code local_address}, {@code rem_address} and {@code st} columns
 * of each line straight from the bytes, makes no object per line, and accumulates, for sockets
 * whose local port lies in the ephemeral range, the count per {@link PortState} and per remote
 * endpoint ({@link #endpoints()}).
 *
 * <p>Addresses are the kernel's {@code %08X} print of each 32-bit word as it lies in memory, so
 * their byte order is the machine's: pass {@link ByteOrder#nativeOrder()} for the running system,
 * {@link ByteOrder#LITTLE_ENDIAN} for tables captured on x86 or arm64. Ports are printed in host
 * order and need no swapping.
 *
 * <p>A line that does not parse (bad hex, wrong field width, cut short) is skipped and counted in
 * {@link #malformed()}; the header line and blank lines are skipped and not counted. Nothing a
 * table holds makes the parser throw.
 *
 * <p>Not thread safe: one scanning thread owns it and reuses it scan after scan.
 */
public final class TcpTableParser {
  private static final byte[] HEX = new byte[256];
  private static final int[] STATE_INDEX = new int[16];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int c = '0'; c <= '9'; c++) {
      HEX[c] = (byte) (c - '0');
    }
    for (int c = 'A'; c <= 'F'; c++) {
      HEX[c] = (byte) (c - 'A' + 10);
      HEX[c + ('a' - 'A')] = (byte) (c - 'A' + 10);
    }
    for (int st = 0; st < STATE_INDEX.length; st++) {
      STATE_INDEX[st] = PortState.ofKernelState(st).ordinal();
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int TIME_WAIT = PortState.TIME_WAIT.ordinal();
  private static final int CLOSE_WAIT = PortState.CLOSE_WAIT.ordinal();

  /** The highest kernel state number accepted: TCP_NEW_SYN_RECV (12). */
  private static final int MAX_STATE = 0x0C;

  private final boolean littleEndian;
  private final EndpointTable endpoints;
  private final int[] states = new int[PortState.values().length];
  private int low = 1;
  private int high = 65535;
  private int lines;
  private int malformed;

  // Results of parseEndpoint, to return three values without allocating.
  private long addrHigh;
  private long addrLow;
  private int addrPort;

  /** A parser for tables printed by a machine of byte order {@code order}. */
  public TcpTableParser(ByteOrder order) {
    this.littleEndian = order == ByteOrder.LITTLE_ENDIAN;
    this.endpoints = new EndpointTable(1024);
  }

  /**
   * Starts a new count of sockets whose local port lies in {@code [low, high]}; forgets the
   * previous one.
   */
  public void begin(int low, int high) {
    this.low = low;
    this.high = high;
    java.util.Arrays.fill(states, 0);
    endpoints.clear();
    lines = 0;
    malformed = 0;
  }

  /** Sockets counted in {@code state} since {@link #begin}. */
  public int sockets(PortState state) {
    return states[state.ordinal()];
  }

  /** The per-endpoint counts since {@link #begin}; owned by this parser. */
  public EndpointTable endpoints() {
    return endpoints;
  }

  /** Socket lines seen since {@link #begin}, including malformed ones, excluding headers. */
  public int lines() {
    return lines;
  }

  /** Lines skipped because they did not parse, since {@link #begin}. */
  public int malformed() {
    return malformed;
  }

  /** Counts one line skipped by the caller, such as one too long for its buffer. */
  public void skippedLine() {
    lines++;
    malformed++;
  }

  /**
   * Parses the lines in {@code buf[off, end)}. Every line but the last must end with {@code '\n'};
   * the last may lack it (it is then parsed as complete, and counted malformed if cut short).
   */
  public void parse(byte[] buf, int off, int end) {
    int p = off;
    while (p < end) {
      // parseLine never reads past the line's '\n': every field byte must be hex, a digit, a
      // space or a colon, so a line cut short fails at its '\n' and is counted malformed.
      int stop = parseLine(buf, p, end);
      p = indexOfNewline(buf, stop, end) + 1;
    }
  }

  /**
   * The index of the first {@code '\n'} in {@code b[p, end)}, or {@code end}; eight bytes at a
   * time.
   */
  static int indexOfNewline(byte[] b, int p, int end) {
    for (; p + 8 <= end; p += 8) {
      long x = (long) LONGS.get(b, p) ^ 0x0A0A_0A0A_0A0A_0A0AL;
      long t = (x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L;
      if (t != 0) {
        return p + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    for (; p < end; p++) {
      if (b[p] == '\n') {
        return p;
      }
    }
    return end;
  }

  /** Parses the line at {@code p}; returns a position inside it from which to seek its end. */
  private int parseLine(byte[] b, int p, int end) {
    int start = p;
    while (p < end && b[p] == ' ') {
      p++;
    }
    if (p == end || b[p] == '\n' || b[p] == 's' || b[p] == '\r') {
      return p; // blank, or the "sl local_address ..." header
    }
    lines++;
    int q = p;
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
    if (p == q || p >= end || b[p] != ':') {
      malformed++;
      return start;
    }
    p = spaces(b, p + 1, end);
    if (p < 0 || (p = parseEndpoint(b, p, end)) < 0) {
      malformed++;
      return start;
    }
    int localPort = addrPort;
    p = spaces(b, p, end);
    if (p < 0 || (p = parseEndpoint(b, p, end)) < 0) {
      malformed++;
      return start;
    }
    p = spaces(b, p, end);
    if (p < 0 || p + 2 > end) {
      malformed++;
      return start;
    }
    int h1 = HEX[b[p] & 0xFF];
    int h2 = HEX[b[p + 1] & 0xFF];
    int st = (h1 << 4) | h2;
    if (h1 < 0
        || h2 < 0
        || st < 1
        || st > MAX_STATE
        || (p + 2 < end && b[p + 2] != ' ' && b[p + 2] != '\n')) {
      malformed++;
      return start;
    }
    if (localPort >= low && localPort <= high) {
      int index = STATE_INDEX[st];
      states[index]++;
      if (addrPort != 0) {
        endpoints.add(addrHigh, addrLow, addrPort, index == TIME_WAIT, index == CLOSE_WAIT);
      }
    }
    return p + 2;
  }

  /** Skips at least one space; returns the next position or -1. */
  private static int spaces(byte[] b, int p, int end) {
    if (p >= end || b[p] != ' ') {
      return -1;
    }
    while (p < end && b[p] == ' ') {
      p++;
    }
    return p;
  }

  /**
   * Parses {@code HEXADDR:PORT} with an 8- or 32-digit address into addrHigh, addrLow, addrPort;
   * returns the position after it or -1.
   */
  private int parseEndpoint(byte[] b, int p, int end) {
    int colon = p;
    while (colon < end && colon - p <= 32 && b[colon] != ':' && b[colon] != '\n') {
      colon++;
    }
    int digits = colon - p;
    if (colon >= end || b[colon] != ':' || colon + 5 > end) {
      return -1;
    }
    if (digits == 8) {
      int v = hex32(b, p);
      if (v == -1 && !allF(b, p, 8)) {
        return -1;
      }
      addrHigh = 0;
      addrLow = EndpointTable.ipv4Low(littleEndian ? Integer.reverseBytes(v) : v);
    } else if (digits == 32) {
      long w0 = word(b, p);
      long w1 = word(b, p + 8);
      long w2 = word(b, p + 16);
      long w3 = word(b, p + 24);
      if ((w0 | w1 | w2 | w3) < 0) {
        return -1;
      }
      addrHigh = (w0 << 32) | w1;
      addrLow = (w2 << 32) | w3;
    } else {
      return -1;
    }
    int port = 0;
    for (int i = colon + 1; i < colon + 5; i++) {
      int h = HEX[b[i] & 0xFF];
      if (h < 0) {
        return -1;
      }
      port = (port << 4) | h;
    }
    addrPort = port;
    return colon + 5;
  }

  /** One 8-digit word as an unsigned network-order value, or -1 if not hex. */
  private long word(byte[] b, int p) {
    int v = hex32(b, p);
    if (v == -1 && !allF(b, p, 8)) {
      return -1;
    }
    return (littleEndian ? Integer.reverseBytes(v) : v) & 0xFFFF_FFFFL;
  }

  /** Eight hex digits as an int; -1 if any is not hex (check {@link #allF} to tell). */
  private static int hex32(byte[] b, int p) {
    int v = 0;
    for (int i = p; i < p + 8; i++) {
      int h = HEX[b[i] & 0xFF];
      if (h < 0) {
        return -1;
      }
      v = (v << 4) | h;
    }
    return v;
  }

  private static boolean allF(byte[] b, int p, int n) {
    for (int i = p; i < p + n; i++) {
      if (b[i] != 'F' && b[i] != 'f') {
        return false;
      }
    }
    return true;
  }
}
