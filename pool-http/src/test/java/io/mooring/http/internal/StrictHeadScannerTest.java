package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictHeadScannerTest {
  private static final String STATUS = "HTTP/1.1 200 OK\r\n";

  private static ByteBuf buf(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aValidHeadIsMeasuredIncludingItsEmptyLine() {
    String head = "\r\n" + STATUS + "A: b\r\nEmpty:\r\nTabs:\tx\ty\t\r\nLatin: \u00e9\r\n\r\n";
    ByteBuf in = buf(head + "body");
    assertThat(new StrictHeadScanner().scan(in)).isEqualTo(head.length());
    assertThat(in.readerIndex()).as("scanning consumes nothing").isZero();
  }

  @Test
  void bareLineFeedsEndLinesAsTheDecoderAccepts() {
    String head = "HTTP/1.1 204 No Content\nA: b\n\n";
    assertThat(new StrictHeadScanner().scan(buf(head))).isEqualTo(head.length());
  }

  @Test
  void aHeadArrivingByteByByteIsScannedIncrementally() {
    String head = STATUS + "Content-Length: 2\r\nX-A: b\r\n\r\n";
    StrictHeadScanner scanner = new StrictHeadScanner();
    ByteBuf in = Unpooled.buffer();
    byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length - 1; i++) {
      in.writeByte(bytes[i]);
      assertThat(scanner.scan(in)).isEqualTo(StrictHeadScanner.INCOMPLETE);
    }
    in.writeByte(bytes[bytes.length - 1]);
    assertThat(scanner.scan(in)).isEqualTo(head.length());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "this line has no colon\r\n|header line 2 of the response head has no colon: \"this",
        "X-A : b\r\n|header line 2 of the response head has whitespace between the field name",
        "X-A: b\r\n c\r\n|header line 3 of the response head starts with whitespace: a line folded",
        " X-A: b\r\n|header line 2 of the response head starts with whitespace, before the first",
        ": b\r\n|has an empty field name",
        "X(A): b\r\n|has a field name that is not a token: \"X(",
        "X-A: b\rc\r\n|has a CR not followed by LF: \"X-A: b\\x0dc",
        "X-A: b\u0000c\r\n|has a control character in its value: \"X-A: b\\x00",
      })
  void malformedHeaderLinesAreRejectedNamingLineAndReason(String c) {
    String[] parts = c.split("\\|");
    StrictHeadScanner scanner = new StrictHeadScanner();
    assertThat(scanner.scan(buf(STATUS + parts[0] + "\r\n"))).isEqualTo(StrictHeadScanner.REJECTED);
    assertThat(scanner.violation()).contains(parts[1]);
  }

  @Test
  void resetStartsOverForTheNextHead() {
    StrictHeadScanner scanner = new StrictHeadScanner();
    assertThat(scanner.scan(buf(STATUS + "A"))).isEqualTo(StrictHeadScanner.INCOMPLETE);
    scanner.reset();
    assertThat(scanner.scan(buf(STATUS + "\r\n"))).isEqualTo(STATUS.length() + 2);
  }
}
