package io.mooring.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Buffered reads from a blocking socket's (or TLS socket's) InputStream; lessee-thread confined.
 *
 * <p>One per connection, for its whole life: bytes the server sent past the end of one response
 * stay here, where {@link #buffered()} tells the caller about them (they must never be read as the
 * next exchange's response). The buffer is allocated once; no read allocates. Closing the stream is
 * the connection's business, not this class's.
 */
final class WireInput {
  /** Large enough for a typical response head and a TLS record in one socket read. */
  static final int BUFFER_SIZE = 16 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;

  WireInput(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * Reads up to {@code len} bytes into {@code b}: buffered bytes first (without touching the
   * socket), else one socket read, which goes straight into {@code b} when it is at least as large
   * as the buffer (no copy). Blocks only when nothing is buffered. Returns -1 at EOF.
   */
  int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (pos < limit) {
      return take(b, off, len);
    }
    if (len >= buf.length) {
      return in.read(b, off, len);
    }
    return fill() ? take(b, off, len) : -1;
  }

  /** Reads one byte (0-255), or -1 at EOF. */
  int read() throws IOException {
    if (pos < limit || fill()) {
      return buf[pos++] & 0xff;
    }
    return -1;
  }

  /** Bytes read from the socket but not consumed yet. */
  int buffered() {
    return limit - pos;
  }

  /**
   * Drops up to {@code max} bytes (at least 1): the buffered ones, else those of one socket read.
   * Returns how many were dropped, or -1 at EOF. Lets a body be drained without copying it.
   */
  int skip(int max) throws IOException {
    if (pos == limit && !fill()) {
      return -1;
    }
    int n = Math.min(max, limit - pos);
    pos += n;
    return n;
  }

  /**
   * Makes sure some bytes are buffered, reading the socket once if none are; false at EOF. With
   * {@link #array()}, {@link #position()} and {@link #consume} this lets a parser scan the buffered
   * bytes in place.
   */
  boolean fill() throws IOException {
    if (pos < limit) {
      return true;
    }
    pos = 0;
    limit = 0;
    int n;
    do { // a blocking read returns at least one byte; 0 is retried rather than taken for EOF
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }

  /**
   * The buffer; bytes {@link #position()} to {@link #position()} + {@link #buffered()} are unread.
   */
  byte[] array() {
    return buf;
  }

  /** Index in {@link #array()} of the first unread byte. */
  int position() {
    return pos;
  }

  /** Marks {@code n} buffered bytes as read; {@code n} at most {@link #buffered()}. */
  void consume(int n) {
    if (n < 0 || n > limit - pos) {
      throw new IllegalArgumentException("consume " + n + " of " + (limit - pos) + " bytes");
    }
    pos += n;
  }

  private int take(byte[] b, int off, int len) {
    int n = Math.min(len, limit - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }
}
