package io.mooring.http.internal;

import io.mooring.pool.Destination;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Byte streams standing in for a blocking socket in the wire codec's tests. */
final class WireBytes {
  static final Destination DEST = Destination.of("http", "h", 80);
  static final URI URI_X = URI.create("http://h/x");

  private WireBytes() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The bytes of {@code s}, all available to the first read. */
  static InputStream whole(String s) {
    return new ByteArrayInputStream(bytes(s));
  }

  /** The bytes of {@code s}, one per read: every split point of a head or chunk is exercised. */
  static InputStream trickle(String s) {
    return new Trickle(bytes(s));
  }

  /** One stream per delivery: {@code whole} and {@code trickle}, for parameterized tests. */
  static InputStream stream(boolean byteByByte, String s) {
    return byteByByte ? trickle(s) : whole(s);
  }

  /** A stream returning at most one byte per read. */
  static final class Trickle extends InputStream {
    private final byte[] data;
    private int pos;
    int reads;

    Trickle(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      reads++;
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int c = read();
      if (c < 0) {
        return -1;
      }
      b[off] = (byte) c;
      return 1;
    }
  }

  /** A stream that delivers {@code s} and then fails as a reset socket does. */
  static InputStream thenFails(String s, IOException failure) {
    return new InputStream() {
      private final InputStream in = whole(s);

      @Override
      public int read() throws IOException {
        int c = in.read();
        if (c < 0) {
          throw failure;
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
          throw failure;
        }
        return n;
      }
    };
  }
}
