package io.mooring.okhttp.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * The response body of one network exchange of a call, read from the client's stream: it fails with
 * the call's {@code Canceled} or {@code timeout} exception once the call is cancelled or timed out
 * (closing the client's stream is what unblocks a reader and frees the connection), and tells the
 * call when the body is done (read to its end, failed or closed), which ends the call timeout.
 *
 * <p>Read by one thread at a time, as any {@code InputStream}; {@link #abort()} and {@link
 * #close()} may come from any thread.
 */
final class CallBodyStream extends InputStream {
  private final InputStream in;
  private final MooringCall call;
  private volatile boolean closed;

  CallBodyStream(InputStream in, MooringCall call) {
    this.in = in;
    this.call = call;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (call.isCanceled()) {
      throw done(call.canceledException(null));
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      throw done(call.isCanceled() ? call.canceledException(e) : e);
    }
    if (n < 0) {
      if (call.isCanceled()) {
        // The stream was closed under the reader to cancel it: its end is not the body's.
        throw done(call.canceledException(null));
      }
      call.bodyDone(this);
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return closed ? 0 : in.available();
  }

  /** Closes the client's stream (draining or aborting its connection) and ends the body. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } finally {
      call.bodyDone(this);
    }
  }

  /** Cancels from any thread: a blocked or later read fails; the connection is not reused. */
  void abort() {
    try {
      in.close();
    } catch (IOException ignored) {
      // Closing the client's stream only cancels its subscription; nothing to report.
    }
  }

  private IOException done(IOException e) {
    call.bodyDone(this);
    return e;
  }
}
