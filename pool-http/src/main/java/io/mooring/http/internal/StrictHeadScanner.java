package io.mooring.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Checks the raw bytes of a response head (status line and header lines) against the field syntax
 * of RFC 9112 before Netty's decoder reads them, because that decoder is lenient where leniency
 * lets a broken or hostile server be misread: it takes {@code this line has no colon} as a header
 * {@code this}, drops the whitespace in {@code Name : value}, and unfolds continuation lines.
 * Rejected here: a header line without a colon, a field name that is not a token or is followed by
 * whitespace before its colon, a line starting with whitespace (obs-fold, or whitespace before the
 * first header), a CR not followed by LF, and control characters other than HT in a field value.
 * The status line is left to the decoder, which checks it already.
 *
 * <p>Scans incrementally: {@link #scan} may be called again as more bytes arrive and resumes where
 * it stopped, so a head split over many reads is still scanned once. No allocation unless the head
 * is rejected. One per channel; event-loop confined.
 */
final class StrictHeadScanner implements ByteProcessor {
  /** {@link #scan} found no end of head yet. */
  static final int INCOMPLETE = -1;

  /** {@link #scan} stopped at a violation; {@link #violation} says which. */
  static final int REJECTED = -2;

  private static final int BEFORE_STATUS = 0;
  private static final int STATUS_LINE = 1;
  private static final int STATUS_CR = 2;
  private static final int LINE_START = 3;
  private static final int NAME = 4;
  private static final int VALUE = 5;
  private static final int VALUE_CR = 6;
  private static final int END_CR = 7;
  private static final int DONE = 8;
  private static final int NAME_SPACE = 9;

  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private int state;
  private String violation;

  /** Bytes after the reader index already scanned. */
  private int scanned;

  /** Offset (from the reader index) of the current line's first byte, and the line's number. */
  private int lineStart;

  private int line;

  /** Starts over for the next head. */
  void reset() {
    state = BEFORE_STATUS;
    violation = null;
    scanned = 0;
    lineStart = 0;
    line = 1;
  }

  StrictHeadScanner() {
    reset();
  }

  /**
   * Scans the head at the start of {@code in}'s readable bytes (which must not have been consumed
   * since the last call), going on from where the last call stopped. Returns the head's length once
   * its empty line was seen, {@link #INCOMPLETE} if more bytes are needed, or {@link #REJECTED}.
   */
  int scan(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int from = start + scanned;
    int stop = from >= end ? -1 : in.forEachByte(from, end - from, this);
    if (stop < 0) {
      scanned = end - start;
      return INCOMPLETE;
    }
    scanned = stop - start;
    if (state == DONE) {
      return scanned + 1;
    }
    violation = describe(in, start + lineStart, stop);
    return REJECTED;
  }

  /** Why the last {@link #scan} returned {@link #REJECTED}. */
  String violation() {
    return violation;
  }

  @Override
  public boolean process(byte value) {
    int b = value & 0xff;
    switch (state) {
      case BEFORE_STATUS:
        // As the decoder does: control characters and whitespace before the status line are
        // skipped.
        if (b > ' ' && b != 0x7f) {
          state = STATUS_LINE;
        } else {
          lineStart = scanned + 1;
        }
        break;
      case STATUS_LINE:
        if (b == '\n') {
          newLine();
        } else if (b == '\r') {
          state = STATUS_CR;
        }
        break;
      case STATUS_CR:
      case VALUE_CR:
        if (b != '\n') {
          return fail("has a CR not followed by LF");
        }
        newLine();
        break;
      case LINE_START:
        if (b == '\r') {
          state = END_CR;
        } else if (b == '\n') {
          state = DONE;
          return false;
        } else if (b == ' ' || b == '\t') {
          return fail(
              line == 2
                  ? "starts with whitespace, before the first header"
                  : "starts with whitespace: a line folded onto the previous one (obs-fold)");
        } else if (TCHAR[b]) {
          state = NAME;
        } else {
          return fail(
              b == ':' ? "has an empty field name" : "has a field name that is not a token");
        }
        break;
      case NAME:
        if (b == ':') {
          state = VALUE;
        } else if (b == ' ' || b == '\t') {
          state = NAME_SPACE; // a violation either way; which one the rest of the line says
        } else if (b == '\r' || b == '\n') {
          return fail("has no colon");
        } else if (!TCHAR[b]) {
          return fail("has a field name that is not a token");
        }
        break;
      case NAME_SPACE:
        if (b == ':') {
          return fail("has whitespace between the field name and its colon");
        } else if (b == '\r' || b == '\n') {
          return fail("has no colon");
        }
        break;
      case VALUE:
        if (b == '\n') {
          newLine();
        } else if (b == '\r') {
          state = VALUE_CR;
        } else if ((b < ' ' && b != '\t') || b == 0x7f) {
          return fail("has a control character in its value");
        }
        break;
      case END_CR:
        if (b != '\n') {
          return fail("has a CR not followed by LF");
        }
        state = DONE;
        return false;
      default:
        return false;
    }
    scanned++;
    return true;
  }

  private void newLine() {
    state = LINE_START;
    line++;
    lineStart = scanned + 1;
  }

  private boolean fail(String what) {
    violation = what;
    return false;
  }

  private String describe(ByteBuf in, int from, int at) {
    int to = from;
    int end = in.writerIndex();
    while (to < end && to - from < 80 && in.getByte(to) != '\n' && in.getByte(to) != '\r') {
      to++;
    }
    // Up to the end of the line, or past the offending byte when it is not the line's end.
    int last = at == to ? to : Math.max(to, at + 1);
    StringBuilder quoted = new StringBuilder();
    for (int i = from; i < last && i < end; i++) {
      int c = in.getByte(i) & 0xff;
      if (c >= ' ' && c < 0x7f) {
        quoted.append((char) c);
      } else {
        quoted.append(String.format("\\x%02x", c));
      }
    }
    return "header line "
        + line
        + " of the response head "
        + violation
        + ": \""
        + quoted
        + (to - from >= 80 ? "...\"" : "\"");
  }
}
