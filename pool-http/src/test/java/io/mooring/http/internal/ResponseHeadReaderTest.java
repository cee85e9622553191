package io.mooring.http.internal;

import static io.mooring.http.internal.WireBytes.DEST;
import static io.mooring.http.internal.WireBytes.URI_X;
import static io.mooring.http.internal.WireBytes.stream;
import static io.mooring.http.internal.WireBytes.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.HttpExchangeException;
import io.mooring.http.MalformedResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadReaderTest {
  private static final String MALFORMED = "malformed response from http://h:80 to GET http://h/x: ";

  private static WireHead read(InputStream s) throws IOException {
    return new ResponseHeadReader(1024).read(new WireInput(s), "GET", URI_X, DEST);
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aHeadIsParsedAndTheBytesAfterItStayForTheBody(boolean byteByByte) throws Exception {
    WireInput in =
        new WireInput(
            stream(
                byteByByte,
                "\r\nHTTP/1.1 200 Fine Thanks\r\n"
                    + "Content-Length: 5\r\n"
                    + "x-multi: a\r\n"
                    + "X-Multi:  b \t\r\n"
                    + "Empty:\r\n"
                    + "Latin: caf\u00e9\r\n"
                    + "\r\n"
                    + "hello"));
    WireHead head = new ResponseHeadReader(1024).read(in, "GET", URI_X, DEST);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.reasonPhrase()).isEqualTo("Fine Thanks");
    assertThat(head.http10()).isFalse();
    assertThat(head.headers().firstValue("content-length")).hasValue("5");
    assertThat(head.headers().allValues("X-MULTI")).containsExactly("a", "b");
    assertThat(head.headers().firstValue("empty")).hasValue("");
    assertThat(head.headers().firstValue("latin")).hasValue("caf\u00e9");
    StringBuilder rest = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      rest.append((char) in.read());
    }
    assertThat(rest).hasToString("hello");
    assertThat(in.read()).as("nothing after the body was taken by the head").isEqualTo(-1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "HTTP/1.1 200 OK|200|OK|false",
        "HTTP/1.0 404 Not Found|404|Not Found|true",
        "HTTP/1.1 204|204||false",
        "'HTTP/1.1 204 '|204||false",
        "'HTTP/1.1  503   Busy  '|503|Busy|false",
        "HTTP/1.1 999 Request denied|999|Request denied|false",
      })
  void statusLinesWithAnyReasonOrNoneAreRead(String line, int code, String reason, boolean http10)
      throws Exception {
    WireHead head = read(whole(line + "\r\nA: b\n\n"));
    assertThat(head.statusCode()).isEqualTo(code);
    assertThat(head.reasonPhrase()).isEqualTo(reason == null ? "" : reason);
    assertThat(head.http10()).isEqualTo(http10);
    assertThat(head.headers().firstValue("a")).hasValue("b");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void interimHeadsAreReturnedOneByOne(boolean byteByByte) throws Exception {
    WireInput in =
        new WireInput(
            stream(
                byteByByte,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                    + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
    ResponseHeadReader reader = new ResponseHeadReader(1024);
    assertThat(reader.read(in, "GET", URI_X, DEST).statusCode()).isEqualTo(100);
    WireHead hints = reader.read(in, "GET", URI_X, DEST);
    assertThat(hints.statusCode()).isEqualTo(103);
    assertThat(hints.headers().firstValue("link")).hasValue("</a>");
    assertThat(reader.read(in, "GET", URI_X, DEST).statusCode()).isEqualTo(201);
    assertThat(in.buffered()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "HTTP/1.1 2x0 OK",
        "HTTP/2 200 OK",
        "HTTP/1.2 200 OK",
        "http/1.1 200 OK",
        "HTTP/1.1 20 OK",
        "HTTP/1.1 2000 OK",
        "HTTP/1.1 099 Low",
        "HTTP/1.1200 OK",
        "ICY 200 OK",
        "HTTP/1.1",
        "HTTP/1.1 200OK",
      })
  void malformedStatusLinesAreRejectedNamingDestinationRequestAndLine(String line) {
    assertThatThrownBy(() -> read(whole(line + "\r\nContent-Length: 0\r\n\r\n")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(MALFORMED + "invalid status line \"" + line + "\"");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aControlCharacterInTheReasonIsRejected(boolean byteByByte) {
    assertThatThrownBy(() -> read(stream(byteByByte, "HTTP/1.1 200 O\u0001K\r\n\r\n")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(
            MALFORMED
                + "status line has a control character in its reason phrase: "
                + "\"HTTP/1.1 200 O\\x01K\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "this line has no colon|header line 2 of the response head has no colon: \"this line",
        "X-Forwarded : evil|has whitespace between the field name and its colon: \"X-Forwarded :",
        "X-A: b\r\n folded|header line 3 of the response head starts with whitespace: a line fold",
        " X-A: b|starts with whitespace, before the first header",
        "X-A: b\u0000c|has a control character in its value",
      })
  void headerLinesTheScannerRejectsFailAsOnTheEventLoopPath(String c) {
    String line = c.split("\\|")[0];
    String message = c.split("\\|")[1];
    for (boolean byteByByte : List.of(false, true)) {
      assertThatThrownBy(
              () ->
                  read(
                      stream(
                          byteByByte,
                          "HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 2\r\n\r\nok")))
          .isInstanceOf(MalformedResponseException.class)
          .hasMessageStartingWith(MALFORMED)
          .hasMessageContaining(message);
    }
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void switchingProtocolsIsRejected(boolean byteByByte) {
    assertThatThrownBy(
            () ->
                read(stream(byteByByte, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(MALFORMED + "unexpected 101 Switching Protocols");
  }

  /** A head whose header lines (from the status line's LF to the end) take {@code size} bytes. */
  private static String headWithHeaderBytes(String before, String statusLine, int size) {
    String start = "\nX-Pad: ";
    String end = "\r\n\r\n";
    return before + statusLine + start + "a".repeat(size - start.length() - end.length()) + end;
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void headerLinesUpToTheSettingPassAndOneByteMoreIsRejectedNamingIt(boolean byteByByte)
      throws Exception {
    for (String before : List.of("", "\r\n\r\n")) {
      String fits = headWithHeaderBytes(before, "HTTP/1.1 200 OK\r", 1024);
      assertThat(read(stream(byteByByte, fits + "body")).headers().firstValue("x-pad"))
          .as("blank lines before the status line are not header lines")
          .isPresent();
      String over = headWithHeaderBytes(before, "HTTP/1.1 200 OK\r", 1025);
      assertThatThrownBy(() -> read(stream(byteByByte, over)))
          .isInstanceOf(MalformedResponseException.class)
          .hasMessage(
              MALFORMED + "response header is larger than 1024 bytes (maxResponseHeaderSize)");
    }
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void theStatusLineHasItsOwnAllowanceAndAnEndlessHeadFailsAtTheLimit(boolean byteByByte)
      throws Exception {
    // Setting 1024: the status line may take up to 1024 more bytes, as with ResponseDecoder.
    String longReason = "HTTP/1.1 200 " + "r".repeat(900) + "\r";
    assertThat(read(stream(byteByByte, headWithHeaderBytes("", longReason, 1000))).statusCode())
        .isEqualTo(200);
    String tooLong = "HTTP/1.1 200 " + "r".repeat(1100) + "\r";
    assertThatThrownBy(() -> read(stream(byteByByte, headWithHeaderBytes("", tooLong, 1000))))
        .hasMessage(
            MALFORMED + "response header is larger than 1024 bytes (maxResponseHeaderSize)");
    assertThatThrownBy(
            () -> read(stream(byteByByte, "HTTP/1.1 200 OK\r\nX-Pad: " + "a".repeat(100_000))))
        .hasMessage(
            MALFORMED + "response header is larger than 1024 bytes (maxResponseHeaderSize)");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aLargeHeadGrowsTheBufferAndStillLeavesTheBodyInPlace(boolean byteByByte) throws Exception {
    String value = "v".repeat(30_000);
    WireInput in =
        new WireInput(stream(byteByByte, "HTTP/1.1 200 OK\r\nBig: " + value + "\r\n\r\nrest"));
    WireHead head = new ResponseHeadReader(64 * 1024).read(in, "GET", URI_X, DEST);
    assertThat(head.headers().firstValue("big")).hasValue(value);
    assertThat(in.read()).isEqualTo('r');
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\r\n", " \r\n\t"})
  void aCloseBeforeAnyResponseByteIsAPrematureCloseTheRetryRuleKnows(String blank) {
    assertThatThrownBy(() -> read(whole(blank)))
        .isExactlyInstanceOf(PrematureCloseException.class)
        .hasMessage(
            "GET http://h/x failed while waiting for the response head: connection closed by"
                + " http://h:80 before any response byte")
        .satisfies(
            e ->
                assertThat(((HttpExchangeException) e).phase())
                    .isEqualTo(HttpExchangeException.Phase.WAITING_FOR_HEAD));
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aCloseInsideTheHeadIsNotAPrematureClose(boolean byteByByte) {
    assertThatThrownBy(() -> read(stream(byteByByte, "HTTP/1.1 200 OK\r\nContent-Le")))
        .isExactlyInstanceOf(HttpExchangeException.class)
        .hasMessage(
            "GET http://h/x failed while waiting for the response head: connection closed by"
                + " http://h:80 in the middle of the response head");
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void aCloseAfterAnInterimHeadIsNotAPrematureClose(boolean byteByByte) throws Exception {
    WireInput in = new WireInput(stream(byteByByte, "HTTP/1.1 100 Continue\r\n\r\n"));
    ResponseHeadReader reader = new ResponseHeadReader(1024);
    assertThat(reader.read(in, "GET", URI_X, DEST).statusCode()).isEqualTo(100);
    assertThatThrownBy(() -> reader.read(in, "GET", URI_X, DEST))
        .isExactlyInstanceOf(HttpExchangeException.class)
        .hasMessage(
            "GET http://h/x failed while waiting for the response head: connection closed by"
                + " http://h:80 before the response ended");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "HTTP/1.1 200 OK\r\n"})
  void aSocketErrorPropagatesAsIs(String before) {
    SocketException reset = new SocketException("Connection reset");
    assertThatThrownBy(() -> read(WireBytes.thenFails(before, reset))).isSameAs(reset);
  }

  @ParameterizedTest(name = "byte by byte: {0}")
  @ValueSource(booleans = {false, true})
  void oneReaderReadsHeadAfterHeadOnAKeptConnection(boolean byteByByte) throws Exception {
    WireInput in =
        new WireInput(
            stream(
                byteByByte,
                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 Nope\r\nX: y\r\n\r\n"));
    ResponseHeadReader reader = new ResponseHeadReader(1024);
    assertThat(reader.read(in, "GET", URI_X, DEST).statusCode()).isEqualTo(200);
    WireHead second = reader.read(in, "GET", URI_X, DEST);
    assertThat(second.statusCode()).isEqualTo(404);
    assertThat(second.headers().map()).containsOnlyKeys("X");
  }
}
