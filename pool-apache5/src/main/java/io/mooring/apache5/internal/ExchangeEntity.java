package io.mooring.apache5.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/**
 * A response body that tells its endpoint when the exchange is over: when its stream reaches the
 * end, or closes normally when the body is delimited by a length or chunks (Apache's streams read
 * such a body to its end on close). Only then may the connection be reused, or left for the peer to
 * close; a body abandoned midway means bytes may still be in flight, and the connection is aborted
 * instead.
 */
final class ExchangeEntity extends HttpEntityWrapper {
  private final Runnable done;
  private final boolean closeReadsToEnd;

  ExchangeEntity(HttpEntity entity, Runnable done) {
    super(entity);
    this.done = done;
    this.closeReadsToEnd = entity.isChunked() || entity.getContentLength() >= 0;
  }

  @Override
  public InputStream getContent() throws IOException {
    return new Tracked(super.getContent());
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (InputStream in = getContent()) {
      in.transferTo(out);
    }
  }

  private final class Tracked extends FilterInputStream {
    Tracked(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        done.run();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        done.run();
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      super.close();
      if (closeReadsToEnd) {
        done.run();
      }
    }
  }
}
