package io.mooring.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's response decoder, made strict where its leniency lets a broken or hostile server be
 * misread: every response head is first checked by a {@link StrictHeadScanner} (field syntax per
 * RFC 9112), and a response with both {@code Content-Length} and {@code Transfer-Encoding} is
 * failed rather than repaired (a possible smuggling attempt). A rejected head becomes a message
 * whose decoder result is the failure, as the decoder's own errors do, and everything after it is
 * discarded. Also told by the exchange whether the current request is a {@code HEAD} (whose
 * response has no body whatever its headers say).
 *
 * <p>Event-loop confined, like every Netty handler.
 */
final class ResponseDecoder extends HttpResponseDecoder {
  private final StrictHeadScanner scanner = new StrictHeadScanner();

  /** The most bytes a head may take before it is rejected as too large. */
  private final int maxHeadBytes;

  private final int maxHeaderSize;
  private boolean headRequest;

  /** The next bytes start a response head, not yet checked. */
  private boolean atHead = true;

  /** A head was rejected: nothing more on this channel is decoded. */
  private boolean broken;

  /** The input is closing: hand held-back bytes to the decoder, whose premature-close rule fits. */
  private boolean closing;

  ResponseDecoder(int maxHeaderSize) {
    this(maxHeaderSize, Math.min(maxHeaderSize, 16 * 1024));
  }

  private ResponseDecoder(int maxHeaderSize, int maxInitialLine) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLine)
            .setMaxHeaderSize(maxHeaderSize)
            .setMaxChunkSize(64 * 1024));
    this.maxHeaderSize = maxHeaderSize;
    this.maxHeadBytes = maxInitialLine + maxHeaderSize;
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
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (broken) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (atHead && !closing) {
      int length = scanner.scan(in);
      if (length == StrictHeadScanner.INCOMPLETE) {
        if (in.readableBytes() > maxHeadBytes) {
          reject(
              in,
              out,
              "response head is larger than "
                  + maxHeaderSize
                  + " bytes (maxResponseHeaderSize) plus its status line");
        }
        return; // hold the bytes back until the head is complete
      }
      if (length == StrictHeadScanner.REJECTED) {
        reject(in, out, scanner.violation());
        return;
      }
      scanner.reset();
      atHead = false;
    }
    int before = out.size();
    super.decode(ctx, in, out);
    for (int i = before; i < out.size(); i++) {
      if (out.get(i) instanceof LastHttpContent) {
        atHead = true;
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    closing = true;
    super.decodeLast(ctx, in, out);
  }

  private void reject(ByteBuf in, List<Object> out, String why) {
    broken = true;
    in.skipBytes(in.readableBytes());
    HttpMessage invalid = createInvalidMessage();
    invalid.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
    out.add(invalid);
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
