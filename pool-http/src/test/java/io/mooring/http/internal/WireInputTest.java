package io.mooring.http.internal;

import static io.mooring.http.internal.WireBytes.bytes;
import static io.mooring.http.internal.WireBytes.whole;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireInputTest {
  /** Records the length asked of each socket read and the array it went to. */
  static final class Recording extends InputStream {
    private final ByteArrayInputStream in;
    final List<Integer> asked = new ArrayList<>();
    final List<byte[]> into = new ArrayList<>();

    Recording(byte[] data) {
      in = new ByteArrayInputStream(data);
    }

    @Override
    public int read() {
      throw new AssertionError("single-byte socket reads");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      asked.add(len);
      into.add(b);
      return in.read(b, off, len);
    }
  }

  @Test
  void smallReadsAreServedFromOneSocketReadAndBufferedSaysWhatIsLeft() throws Exception {
    Recording socket = new Recording(bytes("hello world"));
    WireInput in = new WireInput(socket);
    byte[] b = new byte[5];
    assertThat(in.read(b, 0, 5)).isEqualTo(5);
    assertThat(new String(b, 0, 5, "ISO-8859-1")).isEqualTo("hello");
    assertThat(in.buffered()).isEqualTo(6);
    assertThat(in.read()).isEqualTo(' ');
    assertThat(in.read(b, 0, 5)).isEqualTo(5);
    assertThat(in.buffered()).isZero();
    assertThat(socket.asked).as("one socket read of the whole buffer").hasSize(1);
    assertThat(socket.asked.get(0)).isEqualTo(WireInput.BUFFER_SIZE);
    assertThat(in.read(b, 0, 5)).isEqualTo(-1);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void aReadSpanningBufferedBytesReturnsThemWithoutBlockingOnTheSocket() throws Exception {
    Recording socket = new Recording(bytes("abcdef"));
    WireInput in = new WireInput(socket);
    assertThat(in.read()).isEqualTo('a');
    byte[] b = new byte[100];
    assertThat(in.read(b, 10, 100 - 10)).isEqualTo(5);
    assertThat(new String(b, 10, 5, "ISO-8859-1")).isEqualTo("bcdef");
    assertThat(socket.asked).hasSize(1);
  }

  @Test
  void aLargeReadWithNothingBufferedGoesStraightIntoTheCallersArray() throws Exception {
    byte[] data = new byte[100_000];
    Arrays.fill(data, (byte) 7);
    Recording socket = new Recording(data);
    WireInput in = new WireInput(socket);
    byte[] big = new byte[64 * 1024];
    int n = in.read(big, 0, big.length);
    assertThat(n).isEqualTo(big.length);
    assertThat(socket.into.get(0)).as("no copy through the buffer").isSameAs(big);
    assertThat(in.buffered()).isZero();
  }

  @Test
  void zeroLengthReadsReturnZeroWithoutTouchingTheSocket() throws Exception {
    Recording socket = new Recording(bytes("x"));
    assertThat(new WireInput(socket).read(new byte[4], 2, 0)).isZero();
    assertThat(socket.asked).isEmpty();
  }

  @Test
  void skipDropsBufferedBytesFirstThenReadsTheSocketOnceAndSaysEof() throws Exception {
    WireInput in = new WireInput(whole("0123456789"));
    assertThat(in.read()).isEqualTo('0');
    assertThat(in.skip(4)).isEqualTo(4);
    assertThat(in.read()).isEqualTo('5');
    assertThat(in.skip(100)).isEqualTo(4);
    assertThat(in.skip(100)).isEqualTo(-1);
  }

  @Test
  void consumeMarksBufferedBytesRead() throws Exception {
    WireInput in = new WireInput(whole("abc"));
    assertThat(in.fill()).isTrue();
    assertThat(in.array()[in.position()]).isEqualTo((byte) 'a');
    in.consume(2);
    assertThat(in.buffered()).isEqualTo(1);
    assertThat(in.read()).isEqualTo('c');
    assertThat(in.fill()).isFalse();
  }
}
