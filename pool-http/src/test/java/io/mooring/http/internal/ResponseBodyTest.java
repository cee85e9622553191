package io.mooring.http.internal;

import static io.mooring.http.internal.WireBytes.DEST;
import static io.mooring.http.internal.WireBytes.URI_X;
import static io.mooring.http.internal.WireBytes.stream;
import static io.mooring.http.internal.WireBytes.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.HttpExchangeException;
import io.mooring.http.MalformedResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseBodyTest {
  private static final String MALFORMED = "malformed response from http://h:80 to GET http://h/x: ";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

  /** A response on a connection: its wire and its body, opened after the head was read. */
  private record Response(WireInput wire, ResponseBody body) {
    String readAll() throws IOException {
      return new String(body.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** The body read through single-byte reads. */
    String readBytes() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c = body.read(); c >= 0; c = body.read()) {
        s.append((char) c);
      }
      return s.toString();
    }

    /** What is left on the wire after the body. */
    String leftover() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int c = wire.read(); c >= 0; c = wire.read()) {
        out.write(c);
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static Response open(String method, InputStream s, long max) throws IOException {
    WireInput wire = new WireInput(s);
    WireHead head = new ResponseHeadReader(8192).read(wire, method, URI_X, DEST);
    return new Response(wire, ResponseBody.open(head, wire, max, method, URI_X, DEST));
  }

  private static Response open(boolean byteByByte, String response) throws IOException {
    return open("GET", stream(byteByByte, response), Long.MAX_VALUE);
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aContentLengthBodyEndsAtItsLengthAndLeavesWhatFollows(boolean byteByByte) throws Exception {
    Response r = open(byteByByte, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA");
    assertThat(r.body().complete()).isFalse();
    assertThat(r.body().reusable()).isTrue();
    assertThat(r.readAll()).isEqualTo("hello");
    assertThat(r.body().complete()).isTrue();
    assertThat(r.body().bytesRead()).isEqualTo(5);
    assertThat(r.body().read()).isEqualTo(-1);
    assertThat(r.leftover()).isEqualTo("EXTRA");
  }

  @Test
  void singleByteReadsFollowTheFramingToo() throws Exception {
    assertThat(open(false, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcd").readBytes())
        .isEqualTo("abc");
    assertThat(open(false, CHUNKED + "2\r\nab\r\n1\r\nc\r\n0\r\n\r\nd").readBytes())
        .isEqualTo("abc");
    assertThat(open(false, "HTTP/1.0 200 OK\r\n\r\nabc").readBytes()).isEqualTo("abc");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Content-Length: 0",
        "Content-Length: 7, 7\r\nContent-Length: 7",
      })
  void equalRepeatedLengthsAreOneLength(String fields) throws Exception {
    Response r = open(false, "HTTP/1.1 200 OK\r\n" + fields + "\r\n\r\nsevenbyNEXT");
    long length = fields.startsWith("Content-Length: 0") ? 0 : 7;
    assertThat(r.readAll()).hasSize((int) length);
    assertThat(r.body().complete()).isTrue();
  }

  @Test
  void anEmptyLengthIsCompleteAtOnce() throws Exception {
    Response r = open(false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.body().complete()).as("before any read").isTrue();
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aChunkedBodyWithExtensionsAndTrailersEndsAfterItsTrailerSection(boolean byteByByte)
      throws Exception {
    Response r =
        open(
            byteByByte,
            CHUNKED
                + "5;name=value\r\nhello\r\n"
                + "1A ; a=\"q;x\"\r\n"
                + "abcdefghijklmnopqrstuvwxyz\r\n"
                + "0;last\r\n"
                + "Checksum: 123\r\n"
                + "X-Other: a\r\n"
                + "\r\n"
                + "NEXT");
    assertThat(r.body().reusable()).isTrue();
    assertThat(r.readAll()).isEqualTo("helloabcdefghijklmnopqrstuvwxyz");
    assertThat(r.body().complete()).isTrue();
    assertThat(r.body().bytesRead()).isEqualTo(31);
    assertThat(r.leftover()).isEqualTo("NEXT");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void bareLineFeedsEndChunkLinesAsTheyEndHeadLines(boolean byteByByte) throws Exception {
    Response r = open(byteByByte, CHUNKED + "3\nabc\n0\n\nNEXT");
    assertThat(r.readAll()).isEqualTo("abc");
    assertThat(r.leftover()).isEqualTo("NEXT");
  }

  @Test
  void chunkedAfterOtherCodingsIsChunkedFraming() throws Exception {
    Response r =
        open(
            false,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: CHUNKED\r\n\r\n"
                + "2\r\nxy\r\n0\r\n\r\n");
    assertThat(r.readAll()).isEqualTo("xy");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void withoutLengthOrChunkingTheBodyEndsAtTheCloseAndTheConnectionCannotBeKept(boolean byteByByte)
      throws Exception {
    Response r = open(byteByByte, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nto the end");
    assertThat(r.body().reusable()).isFalse();
    assertThat(r.readAll()).isEqualTo("to the end");
    assertThat(r.body().complete()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "HEAD|HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        "HEAD|" + CHUNKED,
        "GET|HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        "GET|HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET|HTTP/1.1 100 Continue\r\n\r\n",
      })
  void responsesWithoutABodyAreEmptyWhateverTheirHeadersSay(String c) throws Exception {
    String method = c.split("\\|")[0];
    Response r = open(method, whole(c.split("\\|")[1] + "hello"), Long.MAX_VALUE);
    assertThat(r.body().complete()).isTrue();
    assertThat(r.body().reusable()).isTrue();
    assertThat(r.body().read()).isEqualTo(-1);
    assertThat(r.body().read(new byte[8], 0, 8)).isEqualTo(-1);
    assertThat(r.wire().buffered())
        .as("the stray body is left for the caller to judge")
        .isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Content-Length: 2\r\nTransfer-Encoding: chunked"
            + "|response has both Content-Length (2) and Transfer-Encoding (chunked)",
        "Transfer-Encoding: gzip|Transfer-Encoding (gzip) does not end with a single chunked",
        "Transfer-Encoding: chunked, gzip"
            + "|Transfer-Encoding (chunked, gzip) does not end with a single chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
            + "|Transfer-Encoding (chunked, chunked) does not end with a single chunked",
        "Transfer-Encoding:|Transfer-Encoding () does not end with a single chunked",
        "Content-Length: 1\r\nContent-Length: 2|Multiple Content-Length values found: [1, 2]",
        "Content-Length: 3, 4|Multiple Content-Length values found: [3, 4]",
        "Content-Length: abc|invalid Content-Length \"abc\"",
        "Content-Length: +5|invalid Content-Length \"+5\"",
        "Content-Length: -1|invalid Content-Length \"-1\"",
        "Content-Length: 99999999999999999999|invalid Content-Length \"99999999999999999999\"",
        "Content-Length:|invalid Content-Length \"\"",
      })
  void framingTheEventLoopPathRefusesIsRefused(String c) {
    String fields = c.split("\\|")[0];
    String why = c.split("\\|")[1];
    assertThatThrownBy(() -> open(false, "HTTP/1.1 200 OK\r\n" + fields + "\r\n\r\nab"))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(MALFORMED + why);
  }

  @Test
  void transferEncodingOnHttp10IsRefused() {
    assertThatThrownBy(() -> open(false, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(MALFORMED + "HTTP/1.0 response has Transfer-Encoding (chunked)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "zz\r\nab\r\n0\r\n\r\n|after 0 bytes: chunk size expected but 'z' found",
        "\r\n|after 0 bytes: chunk size is missing",
        " 2\r\nab\r\n|after 0 bytes: chunk size expected but ' ' found",
        "2 3\r\nab\r\n|after 0 bytes: chunk-size line has '3' where ';' or its end was expected",
        "2\rab\r\n|after 0 bytes: chunk-size line has a CR not followed by LF",
        "2\r\nabX\r\n0\r\n\r\n|after 2 bytes: chunk data is not followed by CRLF but by 'X'",
        "2\r\nab\rX0\r\n\r\n|after 2 bytes: chunk data is not followed by CRLF but by 'X'",
        "1000000000000000\r\n|after 0 bytes: chunk size has more than 15 hex digits",
        "2;a\u0001\r\nab\r\n|after 0 bytes: chunk extension has the control character byte 0x01",
        "0\r\nX: y\rZ\r\n\r\n|after 0 bytes: trailer section has a CR not followed by LF",
      })
  void badChunksAreMalformed(String c) {
    String chunks = c.split("\\|")[0];
    String why = c.split("\\|")[1];
    for (boolean byteByByte : new boolean[] {false, true}) {
      assertThatThrownBy(() -> open(byteByByte, CHUNKED + chunks).readAll())
          .isInstanceOf(MalformedResponseException.class)
          .hasMessage(MALFORMED + "invalid chunked body " + why);
    }
  }

  @Test
  void overlongChunkLinesAndTrailersAreMalformed() {
    assertThatThrownBy(() -> open(false, CHUNKED + "1;" + "e".repeat(20_000) + "\r\n").readAll())
        .hasMessageEndingWith("chunk-size line is longer than 16384 bytes");
    assertThatThrownBy(
            () -> open(false, CHUNKED + "0\r\nX: " + "t".repeat(70_000) + "\r\n\r\n").readAll())
        .hasMessageEndingWith("trailer section is larger than 65536 bytes");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
        CHUNKED + "4\r\n0123\r\n6\r\n456789\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n0123456789",
      })
  void aBodyOverTheLimitFailsNamingTheSetting(String response) throws Exception {
    assertThatThrownBy(() -> open("GET", whole(response), 9).body().readAllBytes())
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(
            "response body from http://h:80 exceeds the limit of 9 bytes (maxResponseBodySize)");
    assertThat(new String(open("GET", whole(response), 10).body().readAllBytes(), "ISO-8859-1"))
        .as("exactly the limit is fine")
        .isEqualTo("0123456789");
    assertThatThrownBy(() -> open("GET", whole(response), 9).body().drain(100))
        .as("drained bytes count too")
        .isInstanceOf(MalformedResponseException.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        CHUNKED + "5\r\nabc",
        CHUNKED + "3\r\nabc",
        CHUNKED + "3\r\nabc\r\n",
        CHUNKED + "3\r\nabc\r\n0\r\n",
        CHUNKED + "3\r\nabc\r\n0\r\nTrailer: x\r\n",
      })
  void aCloseBeforeAFramedBodyEndsFailsNamingTheBytesRead(String response) throws Exception {
    for (boolean byteByByte : new boolean[] {false, true}) {
      Response r = open(byteByByte, response);
      assertThatThrownBy(r::readAll)
          .isExactlyInstanceOf(HttpExchangeException.class)
          .hasMessage(
              "GET http://h/x failed while reading the response body after 3 bytes: connection"
                  + " closed by http://h:80 before the response ended")
          .satisfies(
              e -> {
                HttpExchangeException x = (HttpExchangeException) e;
                assertThat(x.phase()).isEqualTo(HttpExchangeException.Phase.READING_BODY);
                assertThat(x.bodyBytes()).isEqualTo(3);
              });
      assertThat(r.body().complete()).isFalse();
    }
  }

  @Test
  void aSocketErrorInTheBodyPropagatesAsIs() throws Exception {
    java.net.SocketException reset = new java.net.SocketException("Connection reset");
    WireInput wire =
        new WireInput(WireBytes.thenFails("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", reset));
    WireHead head = new ResponseHeadReader(1024).read(wire, "GET", URI_X, DEST);
    ResponseBody body = ResponseBody.open(head, wire, Long.MAX_VALUE, "GET", URI_X, DEST);
    assertThatThrownBy(body::readAllBytes).isSameAs(reset);
    assertThat(body.bytesRead()).isEqualTo(2);
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void drainDropsUpToItsLimitAndSaysWhetherTheEndWasReached(boolean byteByByte) throws Exception {
    Response r = open(byteByByte, CHUNKED + "4\r\nabcd\r\n4\r\nefgh\r\n0\r\nT: x\r\n\r\nNEXT");
    assertThat(r.body().read()).isEqualTo('a');
    r.body().close();
    assertThatThrownBy(r.body()::read).isInstanceOf(IOException.class).hasMessage("closed");
    assertThat(r.body().drain(5)).isEqualTo(5);
    assertThat(r.body().complete()).isFalse();
    assertThat(r.body().drain(100)).isEqualTo(2);
    assertThat(r.body().complete()).as("terminating chunk and trailers read").isTrue();
    assertThat(r.body().bytesRead()).isEqualTo(8);
    assertThat(r.body().drain(100)).isZero();
    assertThat(r.leftover()).isEqualTo("NEXT");
  }

  @Test
  void drainReadsTheFramingAfterTheLastDataEvenWithNothingLeftToDrop() throws Exception {
    Response r = open(false, CHUNKED + "2\r\nab\r\n0\r\n\r\n");
    assertThat(r.body().readNBytes(2)).hasSize(2);
    assertThat(r.body().complete()).isFalse();
    assertThat(r.body().drain(0)).isZero();
    assertThat(r.body().complete()).isTrue();
  }

  @Test
  void drainOfALengthAndOfACloseDelimitedBody() throws Exception {
    Response fixed =
        open(false, "HTTP/1.1 200 OK\r\nContent-Length: 40000\r\n\r\n" + "x".repeat(40_000));
    assertThat(fixed.body().drain(100_000)).isEqualTo(40_000);
    assertThat(fixed.body().complete()).isTrue();

    Response untilClose = open(false, "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(40_000));
    assertThat(untilClose.body().drain(30_000)).isEqualTo(30_000);
    assertThat(untilClose.body().complete()).isFalse();
    assertThat(untilClose.body().drain(30_000)).isEqualTo(10_000);
    assertThat(untilClose.body().complete()).isTrue();
  }

  @Test
  void availableIsWhatIsBufferedOfTheBodyOnly() throws Exception {
    Response r = open(false, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcNEXT");
    assertThat(r.body().available()).isEqualTo(3);
    r.body().readAllBytes();
    assertThat(r.body().available()).isZero();
  }

  @Test
  void aLargeBodyIsReadInLargePieces() throws Exception {
    String body = "y".repeat(200_000);
    Response r =
        open("GET", whole("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + body), 1L << 40);
    byte[] big = new byte[64 * 1024];
    int n = r.body().read(big, 0, big.length);
    assertThat(n).as("the buffered rest of the first socket read").isGreaterThan(16_000);
    assertThat(r.body().read(big, 0, big.length))
        .as("then straight from the socket")
        .isEqualTo(big.length);
  }

  @Test
  void overALoopbackSocketResponsesWrittenInSmallPiecesAreFramedAndACloseCutsTheSecond()
      throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 1, loopback);
        Socket client = new Socket(loopback, server.getLocalPort());
        Socket peer = server.accept()) {
      peer.setTcpNoDelay(true);
      byte[] wire =
          WireBytes.bytes(
              CHUNKED
                  + "5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n"
                  + "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc");
      OutputStream out = peer.getOutputStream();
      for (int i = 0; i < wire.length; i += 7) {
        out.write(wire, i, Math.min(7, wire.length - i));
        out.flush();
      }
      peer.shutdownOutput(); // FIN in the middle of the second body

      WireInput in = new WireInput(client.getInputStream());
      ResponseHeadReader reader = new ResponseHeadReader(8192);
      ResponseBody first =
          ResponseBody.open(
              reader.read(in, "GET", URI_X, DEST), in, Long.MAX_VALUE, "GET", URI_X, DEST);
      assertThat(first.readAllBytes()).isEqualTo(WireBytes.bytes("hello"));
      assertThat(first.complete()).isTrue();

      ResponseBody second =
          ResponseBody.open(
              reader.read(in, "GET", URI_X, DEST), in, Long.MAX_VALUE, "GET", URI_X, DEST);
      assertThatThrownBy(second::readAllBytes)
          .isExactlyInstanceOf(HttpExchangeException.class)
          .hasMessageContaining("after 3 bytes: connection closed by http://h:80");
    }
  }

  @Test
  void skipDropsBodyBytesOnly() throws Exception {
    Response r = open(false, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdefNEXT");
    assertThat(r.body().skip(4)).isEqualTo(4);
    assertThat(r.body().skip(100)).isEqualTo(2);
    assertThat(r.body().complete()).isTrue();
    assertThat(r.leftover()).isEqualTo("NEXT");
  }
}
