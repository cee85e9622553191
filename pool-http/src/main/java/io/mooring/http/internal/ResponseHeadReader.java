package io.mooring.http.internal;

import io.mooring.http.HttpExchangeException.Phase;
import io.mooring.http.MalformedResponseException;
import io.mooring.pool.Destination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads response heads from a blocking connection's {@link WireInput}, as strictly as the
 * event-loop path's {@link ResponseDecoder}: every head is checked by a {@link StrictHeadScanner}
 * (field syntax per RFC 9112), the status line must be {@code HTTP/1.0} or {@code HTTP/1.1} with a
 * three-digit code, and a head over the limit is rejected. Reads exactly the head: the bytes after
 * its empty line stay in the {@link WireInput} for the body.
 *
 * <p>Failures: {@link MalformedResponseException} for a head that breaks the syntax or the limit;
 * {@link PrematureCloseException} when the connection ended before any byte of a response (the
 * keep-alive race, which the retry rule may retry); an {@link
 * io.mooring.http.HttpExchangeException} when it ended inside a head or after an interim (1xx)
 * response; the stream's own {@link IOException} (reset, timeout) as is. After a failure the
 * connection must be aborted.
 *
 * <p>One per connection, lessee-thread confined. Holds the scanner and a head buffer that grows up
 * to the limit and is reused for every head; parsing allocates only the head's strings and map.
 */
final class ResponseHeadReader {
  /** Enough for nearly every real head; larger ones grow the buffer once. */
  private static final int INITIAL_BUFFER = 2048;

  /**
   * Strings most heads repeat (header names in both cases, common reason phrases and values):
   * returned as these constants, so a typical head allocates only the strings that vary.
   */
  private static final String[] KNOWN;

  private static final byte[][] KNOWN_BYTES;

  static {
    String[] names = {
      "Content-Length",
      "Content-Type",
      "Date",
      "Server",
      "Connection",
      "Transfer-Encoding",
      "Keep-Alive",
      "Cache-Control",
      "ETag",
      "Last-Modified",
      "Location",
      "Vary",
      "Accept-Ranges",
      "Content-Encoding",
      "Expires",
      "Set-Cookie"
    };
    String[] others = {
      "OK", "Created", "No Content", "Not Modified", "Continue", "Found", "Not Found",
      "keep-alive", "close", "chunked", "gzip", "bytes", "Accept-Encoding", "no-cache"
    };
    KNOWN = new String[names.length * 2 + others.length];
    for (int i = 0; i < names.length; i++) {
      KNOWN[2 * i] = names[i];
      KNOWN[2 * i + 1] = names[i].toLowerCase(Locale.ROOT); // as HTTP/2-minded servers send them
    }
    System.arraycopy(others, 0, KNOWN, names.length * 2, others.length);
    KNOWN_BYTES = new byte[KNOWN.length][];
    for (int i = 0; i < KNOWN.length; i++) {
      KNOWN_BYTES[i] = KNOWN[i].getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  private final StrictHeadScanner scanner = new StrictHeadScanner();
  private final int maxHeaderSize;

  /** The most bytes a head may take, status line and leading blank bytes included. */
  private final int maxHeadBytes;

  private byte[] buf;
  private ByteBuf wrapped;

  /** The last head returned was interim (1xx): a close now is not before any response byte. */
  private boolean afterInterim;

  /**
   * A reader allowing heads of {@code maxHeadSize} bytes of header lines (the {@code
   * maxResponseHeaderSize} setting) plus a status line of up to {@code min(maxHeadSize, 16 KiB)},
   * the same budget as the event-loop path's decoder, so both paths accept the same heads.
   */
  ResponseHeadReader(int maxHeadSize) {
    if (maxHeadSize < 1) {
      throw new IllegalArgumentException("maxHeadSize is " + maxHeadSize + "; expected > 0");
    }
    this.maxHeaderSize = maxHeadSize;
    this.maxHeadBytes = maxHeadSize + Math.min(maxHeadSize, 16 * 1024);
    this.buf = new byte[Math.min(INITIAL_BUFFER, maxHeadBytes + 1)];
    this.wrapped = Unpooled.wrappedBuffer(buf);
  }

  /**
   * Reads one head of the response to {@code method} {@code uri} from {@code destination} (a 1xx
   * head is returned too; the caller loops). Blocks until the head is complete; consumes nothing
   * after it. Names the request and destination in every failure (see the class comment).
   */
  WireHead read(WireInput in, String method, URI uri, Destination destination) throws IOException {
    scanner.reset();
    int length = 0;
    while (true) {
      if (!in.fill()) {
        throw closed(length, method, uri, destination);
      }
      // One byte beyond the limit proves the head too large; never copy more than that.
      int n = Math.min(in.buffered(), maxHeadBytes + 1 - length);
      ensureCapacity(length + n);
      System.arraycopy(in.array(), in.position(), buf, length, n);
      wrapped.setIndex(0, length + n);
      int result = scanner.scan(wrapped);
      if (result >= 0) {
        in.consume(result - length);
        length = result;
      } else {
        in.consume(n);
        length += n;
      }
      if (result == StrictHeadScanner.REJECTED) {
        throw malformed(destination, method, uri, scanner.violation());
      }
      if (length > maxHeadBytes) {
        throw tooLarge(destination, method, uri);
      }
      if (result >= 0) {
        break;
      }
    }
    // The header lines alone, as the decoder counts them: from the status line's end (blank lines
    // before the status line are not header lines).
    if (length - lineEnd(statusLineStart()) > maxHeaderSize) {
      throw tooLarge(destination, method, uri);
    }
    WireHead head = parse(length, method, uri, destination);
    afterInterim = head.statusCode() < 200;
    return head;
  }

  private MalformedResponseException tooLarge(Destination destination, String method, URI uri) {
    return malformed(
        destination,
        method,
        uri,
        "response header is larger than " + maxHeaderSize + " bytes (maxResponseHeaderSize)");
  }

  /** The failure when the connection ended after {@code length} bytes of a head. */
  private IOException closed(int length, String method, URI uri, Destination destination) {
    boolean anyByte = false;
    for (int i = 0; i < length && !anyByte; i++) {
      anyByte = !skippable(buf[i]);
    }
    if (anyByte) {
      return TransportErrors.exchange(
          method,
          uri,
          Phase.WAITING_FOR_HEAD,
          0,
          "connection closed by " + destination + " in the middle of the response head",
          null);
    }
    if (afterInterim) {
      return closedEarly(method, uri, Phase.WAITING_FOR_HEAD, 0, destination);
    }
    // Blank bytes the head would skip are no response, as on the event-loop path.
    return new PrematureCloseException(
        TransportErrors.describe(
            method,
            uri,
            Phase.WAITING_FOR_HEAD,
            0,
            "connection closed by " + destination + " before any response byte"),
        Phase.WAITING_FOR_HEAD);
  }

  /** Blank and control bytes before a status line, which the scanner and decoder skip. */
  private static boolean skippable(byte b) {
    int c = b & 0xff;
    return c <= ' ' || c == 0x7f;
  }

  private void ensureCapacity(int needed) {
    if (needed <= buf.length) {
      return;
    }
    int size = (int) Math.min(Math.max((long) buf.length * 2, needed), maxHeadBytes + 1L);
    buf = Arrays.copyOf(buf, size);
    wrapped = Unpooled.wrappedBuffer(buf);
  }

  /** Parses the scanned head in {@code buf[0, length)}: its lines are known to be well formed. */
  private WireHead parse(int length, String method, URI uri, Destination destination)
      throws MalformedResponseException {
    int start = statusLineStart();
    int eol = lineEnd(start);
    int end = eol > start && buf[eol - 1] == '\r' ? eol - 1 : eol;
    int code = codeStart(start, end);
    if (code < 0) {
      throw malformed(
          destination, method, uri, "invalid status line \"" + quote(buf, start, end) + "\"");
    }
    int status = (buf[code] - '0') * 100 + (buf[code + 1] - '0') * 10 + (buf[code + 2] - '0');
    if (status == 101) {
      // What follows is no longer HTTP/1.1; this client never asks for an upgrade.
      throw malformed(destination, method, uri, "unexpected 101 Switching Protocols");
    }
    String reason = reason(code + 3, end);
    if (reason == null) {
      throw malformed(
          destination,
          method,
          uri,
          "status line has a control character in its reason phrase: \""
              + quote(buf, start, end)
              + "\"");
    }
    boolean http10 = buf[start + 7] == '0';
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int line = eol + 1; line < length; line = eol + 1) {
      eol = lineEnd(line);
      end = eol > line && buf[eol - 1] == '\r' ? eol - 1 : eol;
      if (end == line) {
        break; // the empty line ending the head
      }
      int colon = line;
      while (buf[colon] != ':') {
        colon++;
      }
      int from = colon + 1;
      while (from < end && (buf[from] == ' ' || buf[from] == '\t')) {
        from++;
      }
      int to = end;
      while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
        to--;
      }
      // One value per name is the rule: an immutable one-element list, copied only on a repeat.
      map.merge(string(buf, line, colon), List.of(string(buf, from, to)), ResponseHeadReader::both);
    }
    return new WireHead(status, reason, http10, HttpHeaders.of(map, (a, b) -> true));
  }

  /** Where the status line of the scanned head starts, after the blank bytes it may follow. */
  private int statusLineStart() {
    int start = 0;
    while (skippable(buf[start])) {
      start++;
    }
    return start;
  }

  private int lineEnd(int from) {
    int i = from;
    while (buf[i] != '\n') {
      i++;
    }
    return i;
  }

  /**
   * Where the status code starts in the status line {@code buf[from, end)}, or -1 unless the line
   * is {@code HTTP/1.0} or {@code HTTP/1.1}, one or more SP/HT (as lenient as the event-loop path's
   * decoder), and three digits (100 to 999) ending the line or followed by SP/HT.
   */
  private int codeStart(int from, int end) {
    if (end - from < 12 || !startsWithVersion(from)) {
      return -1;
    }
    int i = from + 8;
    if (buf[i] != ' ' && buf[i] != '\t') {
      return -1;
    }
    while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
      i++;
    }
    if (end - i < 3 || buf[i] < '1' || buf[i] > '9' || !digit(buf[i + 1]) || !digit(buf[i + 2])) {
      return -1;
    }
    if (i + 3 < end && buf[i + 3] != ' ' && buf[i + 3] != '\t') {
      return -1;
    }
    return i;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private boolean startsWithVersion(int from) {
    return buf[from] == 'H'
        && buf[from + 1] == 'T'
        && buf[from + 2] == 'T'
        && buf[from + 3] == 'P'
        && buf[from + 4] == '/'
        && buf[from + 5] == '1'
        && buf[from + 6] == '.'
        && (buf[from + 7] == '0' || buf[from + 7] == '1');
  }

  /** The reason phrase in {@code buf[from, end)} trimmed, or null if it has a control character. */
  private String reason(int from, int end) {
    int a = from;
    while (a < end && (buf[a] == ' ' || buf[a] == '\t')) {
      a++;
    }
    int b = end;
    while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t')) {
      b--;
    }
    for (int i = a; i < b; i++) {
      int c = buf[i] & 0xff;
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        return null;
      }
    }
    return string(buf, a, b);
  }

  private static List<String> both(List<String> first, List<String> more) {
    List<String> all = new ArrayList<>(first.size() + more.size());
    all.addAll(first);
    all.addAll(more);
    return all;
  }

  /** {@code b[from, to)} as Latin-1, one of {@link #KNOWN} when it is one. */
  private static String string(byte[] b, int from, int to) {
    int len = to - from;
    if (len == 0) {
      return "";
    }
    for (int k = 0; k < KNOWN_BYTES.length; k++) {
      byte[] known = KNOWN_BYTES[k];
      if (known.length == len && Arrays.equals(known, 0, len, b, from, to)) {
        return KNOWN[k];
      }
    }
    return new String(b, from, len, StandardCharsets.ISO_8859_1);
  }

  /** {@code b[from, to)} printable, other bytes as {@code \xNN}, at most 80 bytes. */
  static String quote(byte[] b, int from, int to) {
    StringBuilder s = new StringBuilder();
    int last = Math.min(to, from + 80);
    for (int i = from; i < last; i++) {
      int c = b[i] & 0xff;
      if (c >= ' ' && c < 0x7f) {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return to > last ? s.append("...").toString() : s.toString();
  }

  /** A malformed response to {@code method} {@code uri}, worded as on the event-loop path. */
  static MalformedResponseException malformed(
      Destination destination, String method, URI uri, String why) {
    return new MalformedResponseException(
        "malformed response from " + destination + " to " + method + " " + uri + ": " + why, null);
  }

  /** The connection ended before the response did, after {@code bodyBytes} body bytes. */
  static IOException closedEarly(
      String method, URI uri, Phase phase, long bodyBytes, Destination destination) {
    return TransportErrors.exchange(
        method,
        uri,
        phase,
        bodyBytes,
        "connection closed by " + destination + " before the response ended",
        null);
  }
}
