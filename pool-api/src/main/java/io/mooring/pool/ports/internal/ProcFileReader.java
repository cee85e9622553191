package io.mooring.pool.ports.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads {@code /proc} files through a {@link FileChannel} into one reused byte buffer. A socket
 * table is streamed through the buffer in chunks of whole lines, so its size does not matter and
 * reading it allocates nothing per line (procfs reports a size of 0, so files are read to EOF).
 *
 * <p>Not thread safe: one scanning thread owns it.
 */
public final class ProcFileReader {
  /** Where the ephemeral port range is, relative to the root ({@code /} on a running system). */
  public static final String PORT_RANGE_FILE = "proc/sys/net/ipv4/ip_local_port_range";

  private final byte[] buf;
  private final ByteBuffer bb;

  /** A reader with a buffer of {@code bufferSize} bytes, which bounds the longest line. */
  public ProcFileReader(int bufferSize) {
    buf = new byte[bufferSize];
    bb = ByteBuffer.wrap(buf);
  }

  /** Feeds every line of {@code file} to {@code parser} (which must have been begun). */
  public void readTcpTable(Path file, TcpTableParser parser) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      int fill = 0;
      boolean discarding = false; // inside a line longer than the buffer
      for (; ; ) {
        bb.clear().position(fill);
        int n = ch.read(bb);
        if (n < 0) {
          if (fill > 0 && !discarding) {
            parser.parse(buf, 0, fill);
          }
          return;
        }
        fill += n;
        int last = fill - 1;
        while (last >= 0 && buf[last] != '\n') {
          last--;
        }
        if (last < 0) {
          if (fill == buf.length) {
            if (!discarding) {
              parser.skippedLine();
              discarding = true;
            }
            fill = 0;
          }
          continue;
        }
        int start = 0;
        if (discarding) {
          start = indexOf(buf, (byte) '\n', 0, last + 1) + 1;
          discarding = false;
        }
        parser.parse(buf, start, last + 1);
        int rest = fill - (last + 1);
        System.arraycopy(buf, last + 1, buf, 0, rest);
        fill = rest;
      }
    }
  }

  /**
   * Reads {@code ip_local_port_range} ("low high") into {@code out[0]} and {@code out[1]}; returns
   * false, leaving {@code out} unspecified, if the file does not hold a valid range (1 <= low <=
   * high <= 65535).
   */
  public boolean readPortRange(Path file, int[] out) throws IOException {
    int len = readSmall(file);
    int p = skipBlank(buf, 0, len);
    long lowPort = 0;
    int q = p;
    while (p < len && buf[p] >= '0' && buf[p] <= '9' && p - q < 6) {
      lowPort = lowPort * 10 + (buf[p++] - '0');
    }
    if (p == q) {
      return false;
    }
    p = skipBlank(buf, p, len);
    long highPort = 0;
    q = p;
    while (p < len && buf[p] >= '0' && buf[p] <= '9' && p - q < 6) {
      highPort = highPort * 10 + (buf[p++] - '0');
    }
    if (p == q || lowPort < 1 || highPort > 65535 || lowPort > highPort) {
      return false;
    }
    out[0] = (int) lowPort;
    out[1] = (int) highPort;
    return true;
  }

  /**
   * Reads the {@code TCP:} line of {@code /proc/net/sockstat} into {@code out[0]} (inuse) and
   * {@code out[1]} (tw); a value not found is left at -1. Returns whether the line was found.
   */
  public boolean readSockstat(Path file, int[] out) throws IOException {
    out[0] = -1;
    out[1] = -1;
    int len = readSmall(file);
    int p = 0;
    while (p < len) {
      int eol = indexOf(buf, (byte) '\n', p, len);
      if (eol < 0) {
        eol = len;
      }
      if (startsWith(buf, p, eol, "TCP:")) {
        int i = p + 4;
        while (i < eol) {
          i = skipBlank(buf, i, eol);
          int keyStart = i;
          while (i < eol && buf[i] != ' ') {
            i++;
          }
          int keyEnd = i;
          i = skipBlank(buf, i, eol);
          long v = 0;
          int vStart = i;
          while (i < eol && buf[i] >= '0' && buf[i] <= '9' && i - vStart < 10) {
            v = v * 10 + (buf[i++] - '0');
          }
          if (i == vStart) {
            break;
          }
          if (equals(buf, keyStart, keyEnd, "inuse")) {
            out[0] = (int) v;
          } else if (equals(buf, keyStart, keyEnd, "tw")) {
            out[1] = (int) v;
          }
        }
        return true;
      }
      p = eol + 1;
    }
    return false;
  }

  private int readSmall(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      bb.clear();
      while (bb.hasRemaining() && ch.read(bb) >= 0) {
        // read until EOF or the buffer is full; a longer file is cut, which these files never are
      }
      return bb.position();
    }
  }

  private static int skipBlank(byte[] b, int p, int end) {
    while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
      p++;
    }
    return p;
  }

  private static int indexOf(byte[] b, byte c, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, int p, int end, String s) {
    if (end - p < s.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[p + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean equals(byte[] b, int p, int end, String s) {
    return end - p == s.length() && startsWith(b, p, end, s);
  }
}
