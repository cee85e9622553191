package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException.Phase;
import io.mooring.http.MalformedResponseException;
import io.mooring.pool.Destination;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The body of one response on a blocking connection, framed by its head as RFC 9112 section 6.3
 * says: none for a HEAD request, 1xx, 204 and 304; chunked when {@code Transfer-Encoding} ends with
 * {@code chunked} (its trailer section read and dropped); {@code Content-Length} bytes; otherwise
 * everything up to the connection's close. {@link #read()} returns -1 at the body's end and never
 * reads past it: bytes after it stay in the {@link WireInput}, for the caller to judge.
 *
 * <p>Framing the event-loop path refuses is refused here too, by {@link #open} or a read, with a
 * {@link MalformedResponseException}: {@code Content-Length} with {@code Transfer-Encoding},
 * differing or non-numeric {@code Content-Length} values, a {@code Transfer-Encoding} other than
 * chunked or on HTTP/1.0, a bad chunk, a body over {@code maxBodySize}. A connection that ends
 * before a framed body does is an {@link io.mooring.http.HttpExchangeException} (phase {@code
 * READING_BODY}, with the bytes read). After any failure the connection must be aborted.
 *
 * <p>Lessee-thread confined. {@link #close()} only marks this stream closed (reads then throw); it
 * never touches the socket: whether the connection is kept ({@link #complete()}, {@link
 * #reusable()}, no leftover bytes) is the caller's decision. No allocation per read.
 */
final class ResponseBody extends InputStream {
  /** The longest chunk-size line (size and extensions) accepted. */
  static final int MAX_CHUNK_LINE = 16 * 1024;

  /** The largest trailer section accepted (it is dropped, so only its size matters). */
  static final int MAX_TRAILER = 64 * 1024;

  private enum Framing {
    EMPTY,
    LENGTH,
    CHUNKED,
    UNTIL_CLOSE
  }

  private final Framing framing;
  private final WireInput in;
  private final long maxBodySize;
  private final String method;
  private final URI uri;
  private final Destination destination;

  /**
   * Body bytes readable before the next framing step: of the chunk, of the length, or unbounded.
   */
  private long left;

  /** Chunked: the current chunk's data was read, its CRLF was not. */
  private boolean chunkDataEnded;

  private long bytesRead;
  private boolean complete;
  private boolean closed;

  private ResponseBody(
      Framing framing,
      long length,
      WireInput in,
      long maxBodySize,
      String method,
      URI uri,
      Destination destination) {
    this.framing = framing;
    this.left = length;
    this.in = in;
    this.maxBodySize = maxBodySize;
    this.method = method;
    this.uri = uri;
    this.destination = destination;
    this.complete = framing == Framing.EMPTY || (framing == Framing.LENGTH && length == 0);
  }

  /**
   * The body of the response {@code head} to {@code method} {@code uri}, read from {@code in}; at
   * most {@code maxBodySize} bytes. Reads nothing yet. Throws {@link MalformedResponseException}
   * when the head's framing headers are invalid.
   */
  static ResponseBody open(
      WireHead head,
      WireInput in,
      long maxBodySize,
      String method,
      URI uri,
      Destination destination)
      throws IOException {
    List<String> lengths = head.headers().allValues("content-length");
    long length = lengths.isEmpty() ? -1 : contentLength(lengths, method, uri, destination);
    int status = head.statusCode();
    Framing framing;
    if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
      framing = Framing.EMPTY;
    } else {
      List<String> codings = head.headers().allValues("transfer-encoding");
      if (!codings.isEmpty()) {
        checkChunked(head, codings, lengths, method, uri, destination);
        framing = Framing.CHUNKED;
        length = 0;
      } else if (length >= 0) {
        framing = Framing.LENGTH;
      } else {
        framing = Framing.UNTIL_CLOSE;
        length = Long.MAX_VALUE;
      }
    }
    return new ResponseBody(framing, length, in, maxBodySize, method, uri, destination);
  }

  /** The one value of the Content-Length fields (identical repeats allowed, as RFC 9110 8.6). */
  private static long contentLength(
      List<String> fields, String method, URI uri, Destination destination)
      throws MalformedResponseException {
    long value = -1;
    for (String field : fields) {
      for (String part : field.split(",", -1)) {
        long v = decimal(part.trim());
        if (v < 0) {
          throw ResponseHeadReader.malformed(
              destination, method, uri, "invalid Content-Length \"" + field + "\"");
        }
        if (value >= 0 && v != value) {
          throw ResponseHeadReader.malformed(
              destination, method, uri, "Multiple Content-Length values found: " + fields);
        }
        value = v;
      }
    }
    return value;
  }

  /** {@code s} as a non-negative decimal, or -1 if it is not one (signs, blanks, overflow). */
  private static long decimal(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Accepts Transfer-Encoding only as the event-loop path can frame it safely: on HTTP/1.1, without
   * Content-Length, with chunked as its final coding and only there; anything else could be read
   * differently by another party on the way (RFC 9112 6.3, response splitting).
   */
  private static void checkChunked(
      WireHead head,
      List<String> codings,
      List<String> lengths,
      String method,
      URI uri,
      Destination destination)
      throws MalformedResponseException {
    String te = String.join(", ", codings);
    if (!lengths.isEmpty()) {
      throw ResponseHeadReader.malformed(
          destination,
          method,
          uri,
          "response has both Content-Length ("
              + lengths.get(0)
              + ") and Transfer-Encoding ("
              + codings.get(0)
              + ")");
    }
    if (head.http10()) {
      throw ResponseHeadReader.malformed(
          destination, method, uri, "HTTP/1.0 response has Transfer-Encoding (" + te + ")");
    }
    String[] parts = te.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      boolean chunked = parts[i].trim().equalsIgnoreCase("chunked");
      if (chunked != (i == parts.length - 1)) {
        throw ResponseHeadReader.malformed(
            destination,
            method,
            uri,
            "Transfer-Encoding (" + te + ") does not end with a single chunked");
      }
    }
  }

  /** Whether the whole body was read (a chunked one including its trailer section). */
  boolean complete() {
    return complete;
  }

  /** False when the body is delimited by the connection's close (no length, not chunked). */
  boolean reusable() {
    return framing != Framing.UNTIL_CLOSE;
  }

  /** Body bytes read or drained so far (framing bytes not counted). */
  long bytesRead() {
    return bytesRead;
  }

  @Override
  public int read() throws IOException {
    ensureOpen();
    if (!ready()) {
      return -1;
    }
    int b = in.read();
    return counted(b < 0 ? -1 : 1) < 0 ? -1 : b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    if (!ready()) {
      return -1;
    }
    return counted(in.read(b, off, (int) Math.min(len, left)));
  }

  /**
   * Reads and drops up to {@code limit} body bytes without copying them, and any framing after
   * them; returns the bytes dropped. {@link #complete()} then says whether the end was reached.
   * Works on a closed stream too (the caller drains what its user did not read). Fails as a read.
   */
  long drain(long limit) throws IOException {
    long dropped = 0;
    while (ready() && dropped < limit) {
      int n = counted(in.skip((int) Math.min(Math.min(limit - dropped, left), Integer.MAX_VALUE)));
      if (n < 0) {
        break;
      }
      dropped += n;
    }
    return dropped;
  }

  /** Drops up to {@code n} body bytes as {@link #drain} does, without copying them. */
  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    return n <= 0 ? 0 : drain(n);
  }

  @Override
  public int available() throws IOException {
    return closed || complete ? 0 : (int) Math.min(in.buffered(), left);
  }

  /** Marks this stream closed; the socket is the caller's (see the class comment). */
  @Override
  public void close() {
    closed = true;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
  }

  /**
   * Whether body bytes can be read now ({@link #left} > 0), reading the framing between chunks
   * first; false at the body's end.
   */
  private boolean ready() throws IOException {
    if (complete) {
      return false;
    }
    if (framing == Framing.CHUNKED && left == 0) {
      nextChunk();
    }
    return !complete;
  }

  /** Accounts for {@code n} bytes just read, or the EOF (-1) a read met. */
  private int counted(int n) throws IOException {
    if (n < 0) {
      if (framing != Framing.UNTIL_CLOSE) {
        throw closedEarly();
      }
      complete = true;
      return -1;
    }
    bytesRead += n;
    if (bytesRead > maxBodySize) {
      throw new MalformedResponseException(
          "response body from "
              + destination
              + " exceeds the limit of "
              + maxBodySize
              + " bytes (maxResponseBodySize)",
          null);
    }
    if (framing != Framing.UNTIL_CLOSE) {
      left -= n;
      if (left == 0) {
        if (framing == Framing.LENGTH) {
          complete = true;
        } else {
          chunkDataEnded = true;
        }
      }
    }
    return n;
  }

  private IOException closedEarly() {
    return ResponseHeadReader.closedEarly(method, uri, Phase.READING_BODY, bytesRead, destination);
  }

  /** Reads the CRLF ending the previous chunk's data, then the next chunk-size line. */
  private void nextChunk() throws IOException {
    if (chunkDataEnded) {
      int b = next();
      if (b == '\r') {
        b = next();
      }
      if (b != '\n') {
        throw badChunk("chunk data is not followed by CRLF but by " + describe(b));
      }
      chunkDataEnded = false;
    }
    long size = 0;
    int digits = 0;
    int length = 0;
    boolean inExtension = false;
    while (true) {
      int b = next();
      if (++length > MAX_CHUNK_LINE) {
        throw badChunk("chunk-size line is longer than " + MAX_CHUNK_LINE + " bytes");
      }
      if (b == '\r') {
        if ((b = next()) != '\n') {
          throw badChunk("chunk-size line has a CR not followed by LF");
        }
        break;
      } else if (b == '\n') {
        break;
      }
      int hex = inExtension || digits < 0 ? -1 : hex(b);
      if (hex >= 0) {
        if (digits == 15) {
          throw badChunk("chunk size has more than 15 hex digits");
        }
        size = size * 16 + hex;
        digits++;
      } else if (b == ';' && digits != 0) {
        inExtension = true;
      } else if ((b == ' ' || b == '\t') && digits != 0) {
        digits = digits > 0 ? -digits : digits; // blanks may precede ';' but end the size
      } else if (inExtension) {
        if ((b < ' ' && b != '\t') || b == 0x7f) {
          throw badChunk("chunk extension has the control character " + describe(b));
        }
      } else {
        throw badChunk(
            digits == 0
                ? "chunk size expected but " + describe(b) + " found"
                : "chunk-size line has " + describe(b) + " where ';' or its end was expected");
      }
    }
    if (digits == 0) {
      throw badChunk("chunk size is missing");
    }
    if (size == 0) {
      skipTrailers();
      complete = true;
    } else {
      left = size;
    }
  }

  /** Reads the trailer section up to its empty line; its fields are dropped. */
  private void skipTrailers() throws IOException {
    int total = 0;
    int lineLength = 0;
    while (true) {
      int b = next();
      if (++total > MAX_TRAILER) {
        throw badChunk("trailer section is larger than " + MAX_TRAILER + " bytes");
      }
      if (b == '\r') {
        total++;
        if (next() != '\n') {
          throw badChunk("trailer section has a CR not followed by LF");
        }
        b = '\n';
      }
      if (b == '\n') {
        if (lineLength == 0) {
          return;
        }
        lineLength = 0;
      } else {
        lineLength++;
      }
    }
  }

  /** The next framing byte; the connection's end inside the framing cuts the body short. */
  private int next() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw closedEarly();
    }
    return b;
  }

  private MalformedResponseException badChunk(String why) {
    return ResponseHeadReader.malformed(
        destination, method, uri, "invalid chunked body after " + bytesRead + " bytes: " + why);
  }

  private static int hex(int b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = b | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  private static String describe(int b) {
    return b >= ' ' && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
  }
}
