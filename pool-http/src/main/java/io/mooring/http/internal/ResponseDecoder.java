package io.mooring.http.internal;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Netty's response decoder, told by the exchange whether the current request is a {@code HEAD}
 * (whose response has no body whatever its headers say), and strict about a response that carries
 * both {@code Content-Length} and {@code Transfer-Encoding}: that is a malformed (possibly
 * smuggled) response, failed rather than repaired.
 *
 * <p>Event-loop confined, like every Netty handler.
 */
final class ResponseDecoder extends HttpResponseDecoder {
  private boolean headRequest;

  ResponseDecoder(int maxHeaderSize) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(Math.min(maxHeaderSize, 16 * 1024))
            .setMaxHeaderSize(maxHeaderSize)
            .setMaxChunkSize(64 * 1024));
  }

  /** Sets whether the next response answers a HEAD request. Event loop only. */
  void expectHeadResponse(boolean head) {
    this.headRequest = head;
  }

  /**
   * Bytes the decoder holds that no message consumed yet. Read as a response completes, this is
   * what the server sent after the end of that response (a body on HEAD/204/304, more than its
   * Content-Length): it must never be read as the next exchange's response. Event loop only.
   */
  int unreadBytes() {
    return actualReadableBytes();
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    return headRequest || super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new IllegalArgumentException(
        "response has both Content-Length ("
            + message.headers().get("content-length")
            + ") and Transfer-Encoding ("
            + message.headers().get("transfer-encoding")
            + ")");
  }
}
