package io.mooring.pool.ports.internal;

import java.util.Arrays;

/**
 * Socket counts per remote endpoint (address, port), in an open-addressing hash table of primitive
 * arrays so that counting a socket allocates nothing. Addresses are 128-bit keys: IPv6 as is, IPv4
 * in IPv4-mapped form ({@code ::ffff:a.b.c.d}), so an IPv4 socket and an IPv4-mapped IPv6 socket to
 * the same peer share one entry. The table grows when half full and keeps its size across {@link
 * #clear()}, so after the first scans it stops allocating.
 *
 * <p>Not thread safe: one scanning thread owns it.
 */
public final class EndpointTable {
  private static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

  private long[] hi;
  private long[] lo;
  private int[] port;
  private int[] sockets;
  private int[] timeWait;
  private int[] closeWait;
  private int[] stamp;
  private int generation = 1;
  private int size;
  private int mask;

  /** A table sized for about {@code expected} endpoints before it first grows. */
  public EndpointTable(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(cap);
  }

  private void allocate(int cap) {
    hi = new long[cap];
    lo = new long[cap];
    port = new int[cap];
    sockets = new int[cap];
    timeWait = new int[cap];
    closeWait = new int[cap];
    stamp = new int[cap];
    mask = cap - 1;
  }

  /** Empties the table in O(1), keeping its capacity. */
  public void clear() {
    size = 0;
    if (++generation == Integer.MAX_VALUE) {
      Arrays.fill(stamp, 0);
      generation = 1;
    }
  }

  /** How many endpoints are in the table. */
  public int size() {
    return size;
  }

  /** The number of slots; live slots are those in {@code [0, capacity())} with {@link #live}. */
  public int capacity() {
    return mask + 1;
  }

  /** Whether {@code slot} holds an endpoint. */
  public boolean live(int slot) {
    return stamp[slot] == generation;
  }

  /** High 64 bits of the address in {@code slot}, network order. */
  public long addressHigh(int slot) {
    return hi[slot];
  }

  /** Low 64 bits of the address in {@code slot}, network order. */
  public long addressLow(int slot) {
    return lo[slot];
  }

  /** The remote port in {@code slot}. */
  public int port(int slot) {
    return port[slot];
  }

  /** Sockets of any state toward the endpoint in {@code slot}. */
  public int sockets(int slot) {
    return sockets[slot];
  }

  /** TIME_WAIT sockets toward the endpoint in {@code slot}. */
  public int timeWait(int slot) {
    return timeWait[slot];
  }

  /** CLOSE_WAIT sockets toward the endpoint in {@code slot}. */
  public int closeWait(int slot) {
    return closeWait[slot];
  }

  /** Whether the 128-bit key is an IPv4(-mapped) address. */
  public static boolean isIpv4(long high, long low) {
    return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_PREFIX;
  }

  /** The 128-bit key of an IPv4 address given as a network-order int. */
  public static long ipv4Low(int networkOrder) {
    return V4_MAPPED_PREFIX | (networkOrder & 0xFFFF_FFFFL);
  }

  /** Counts one socket toward (high, low, port). */
  public void add(long high, long low, int p, boolean isTimeWait, boolean isCloseWait) {
    int i = index(high, low, p);
    for (; ; ) {
      if (stamp[i] != generation) {
        stamp[i] = generation;
        hi[i] = high;
        lo[i] = low;
        port[i] = p;
        sockets[i] = 1;
        timeWait[i] = isTimeWait ? 1 : 0;
        closeWait[i] = isCloseWait ? 1 : 0;
        if (++size * 2 > capacity()) {
          grow();
        }
        return;
      }
      if (hi[i] == high && lo[i] == low && port[i] == p) {
        sockets[i]++;
        if (isTimeWait) {
          timeWait[i]++;
        }
        if (isCloseWait) {
          closeWait[i]++;
        }
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** The slot of (high, low, port), or -1 if it has no socket. */
  public int find(long high, long low, int p) {
    int i = index(high, low, p);
    for (; ; ) {
      if (stamp[i] != generation) {
        return -1;
      }
      if (hi[i] == high && lo[i] == low && port[i] == p) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Writes into {@code out} the slots of the {@code min(n, out.length, size())} endpoints with the
   * most sockets, most first, and returns how many it wrote. Allocates nothing.
   */
  public int top(int n, int[] out) {
    int limit = Math.min(n, out.length);
    int count = 0;
    if (limit <= 0) {
      return 0;
    }
    for (int s = 0; s <= mask; s++) {
      if (stamp[s] != generation) {
        continue;
      }
      int v = sockets[s];
      if (count == limit && v <= sockets[out[count - 1]]) {
        continue;
      }
      int j = count == limit ? limit - 1 : count++;
      while (j > 0 && sockets[out[j - 1]] < v) {
        out[j] = out[j - 1];
        j--;
      }
      out[j] = s;
    }
    return count;
  }

  private int index(long high, long low, int p) {
    long x = high * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL ^ p * 0x165667B19E3779F9L;
    x ^= x >>> 31;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 29;
    return (int) x & mask;
  }

  private void grow() {
    long[] oh = hi;
    long[] ol = lo;
    int[] op = port;
    int[] os = sockets;
    int[] otw = timeWait;
    int[] ocw = closeWait;
    int[] ost = stamp;
    int gen = generation;
    allocate((mask + 1) * 2);
    generation = 1;
    for (int s = 0; s < ost.length; s++) {
      if (ost[s] != gen) {
        continue;
      }
      int i = index(oh[s], ol[s], op[s]);
      while (stamp[i] == generation) {
        i = (i + 1) & mask;
      }
      stamp[i] = generation;
      hi[i] = oh[s];
      lo[i] = ol[s];
      port[i] = op[s];
      sockets[i] = os[s];
      timeWait[i] = otw[s];
      closeWait[i] = ocw[s];
    }
  }
}
