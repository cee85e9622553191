package io.mooring.okhttp.internal;

import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * A {@link ResponseBody} read straight from the connection, once, as OkHttp's own. Closing it (or
 * the response) closes the stream under it, which returns the connection to the pool when the body
 * was read to its end, else drains or aborts it. Not thread safe, as OkHttp's bodies.
 */
final class StreamingResponseBody extends ResponseBody {
  private final MediaType contentType;
  private final long contentLength;
  private final BufferedSource source;

  StreamingResponseBody(MediaType contentType, long contentLength, BufferedSource source) {
    this.contentType = contentType;
    this.contentLength = contentLength;
    this.source = source;
  }

  @Override
  public MediaType contentType() {
    return contentType;
  }

  /** The {@code Content-Length} header's value, or -1 when absent (chunked or until close). */
  @Override
  public long contentLength() {
    return contentLength;
  }

  @Override
  public BufferedSource source() {
    return source;
  }
}
