package io.mooring.pool.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.pool.CloseMode;
import io.mooring.pool.ClosedBy;
import io.mooring.pool.ConnectionListener;
import io.mooring.pool.netty.PeerCloseRequester;
import io.mooring.pool.netty.PooledChannels;
import io.mooring.pool.netty.testing.LeakDetectorExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The idle watch's decisions, on an in-memory channel: no sockets, no timing. */
@ExtendWith(LeakDetectorExtension.class)
class IdleWatchHandlerTest {
  private final List<String> reports = new ArrayList<>();
  private final List<Throwable> causes = new ArrayList<>();
  private final ConnectionListener listener =
      (by, cause) -> {
        reports.add(by.name());
        causes.add(cause);
      };
  private final ChannelCloser closer = new ChannelCloser(0);
  private final Set<Channel> open = new HashSet<>();

  private EmbeddedChannel channel(PeerCloseRequester requester) {
    IdleWatchHandler watch = new IdleWatchHandler(listener, closer, requester, open);
    EmbeddedChannel ch = new EmbeddedChannel(watch);
    open.add(ch);
    assertThat(watch.arm(ch)).isTrue();
    return ch;
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Test
  void aNewChannelIsLeasedAndPassesBytesToTheProtocol() {
    EmbeddedChannel ch = channel(null);
    assertThat(PooledChannels.isPooled(ch)).isTrue();
    assertThat(PooledChannels.isIdle(ch)).isFalse();
    ch.writeInbound(bytes("hello"));
    ByteBuf in = ch.readInbound();
    assertThat(in.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello");
    in.release();
    assertThat(reports).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void bytesOnAnIdleChannelAbortItAndAreReleased() {
    EmbeddedChannel ch = channel(null);
    PooledChannels.markIdle(ch);
    ByteBuf junk = bytes("junk");
    ch.writeInbound(junk);
    assertThat(junk.refCnt()).isZero();
    assertThat(ch.inboundMessages()).isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(reports).containsExactly("ABORT");
    assertThat(causes.get(0)).isInstanceOf(IOException.class).hasMessageContaining("4 unexpected");
    assertThat(open).isEmpty(); // left the transport's set when unregistered
  }

  @Test
  void markIdleTurnsAutoReadBackOnSoThePeersFinIsSeen() {
    EmbeddedChannel ch = channel(null);
    ch.config().setAutoRead(false); // a protocol doing flow control mid-exchange
    PooledChannels.markIdle(ch);
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void markLeasedAgainLetsBytesThrough() {
    EmbeddedChannel ch = channel(null);
    PooledChannels.markIdle(ch);
    PooledChannels.markLeased(ch);
    ch.writeInbound(bytes("x"));
    ((ByteBuf) ch.readInbound()).release();
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void thePeersCloseIsReportedOnce() {
    EmbeddedChannel ch = channel(null);
    PooledChannels.markIdle(ch);
    ch.close(); // as Netty does on reading the peer's FIN
    ch.close();
    assertThat(reports).containsExactly("PEER");
    assertThat(causes).containsExactly((Throwable) null);
  }

  @Test
  void aCloseThePoolAskedForIsNotReported() {
    EmbeddedChannel ch = channel(null);
    IdleWatchHandler.of(ch).closeRequested();
    closer.close(ch, CloseMode.ABORT);
    assertThat(ch.isOpen()).isFalse();
    assertThat(reports).isEmpty();
  }

  @Test
  void nothingIsReportedBeforeTheConnectCompleted() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new IdleWatchHandler(listener, closer, null, null)); // not armed
    ch.pipeline().fireExceptionCaught(new IOException("handshake failed"));
    ch.close();
    assertThat(reports).isEmpty();
    ch.checkException(); // swallowed: the connect future reports it
  }

  @Test
  void aResetWhileIdleIsThePeersCloseWithTheCause() {
    EmbeddedChannel ch = channel(null);
    PooledChannels.markIdle(ch);
    IOException reset = new IOException("Connection reset by peer");
    ch.pipeline().fireExceptionCaught(reset);
    assertThat(ch.isOpen()).isFalse();
    assertThat(reports).containsExactly("PEER");
    assertThat(causes).containsExactly(reset);
  }

  @Test
  void anotherErrorWhileIdleAbortsTheChannel() {
    EmbeddedChannel ch = channel(null);
    PooledChannels.markIdle(ch);
    IllegalStateException bad = new IllegalStateException("decoder broke");
    ch.pipeline().fireExceptionCaught(bad);
    assertThat(ch.isOpen()).isFalse();
    assertThat(reports).containsExactly("ABORT");
    assertThat(causes).containsExactly(bad);
  }

  @Test
  void anErrorWhileLeasedGoesToTheProtocol() {
    EmbeddedChannel ch = channel(null);
    ch.pipeline().fireExceptionCaught(new IOException("boom"));
    assertThatThrownBy(ch::checkException).hasMessage("boom");
    assertThat(ch.isOpen()).isTrue();
    ch.close();
    assertThat(reports).containsExactly("PEER");
    assertThat(causes.get(0)).hasMessage("boom");
  }

  @Test
  void requestPeerCloseWithoutRequesterSaysNo() {
    EmbeddedChannel ch = channel(null);
    assertThat(IdleWatchHandler.of(ch).requestPeerClose(ch)).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void requestPeerCloseUsesTheChannelsOwnRequesterFirstAndRetiresTheChannel() {
    List<String> asked = new ArrayList<>();
    EmbeddedChannel ch =
        channel(
            c -> {
              asked.add("default");
              return true;
            });
    PooledChannels.markIdle(ch);
    assertThat(IdleWatchHandler.of(ch).requestPeerClose(ch)).isTrue();
    PooledChannels.setPeerCloseRequester(
        ch,
        c -> {
          asked.add("own");
          return false;
        });
    assertThat(IdleWatchHandler.of(ch).requestPeerClose(ch)).isFalse();
    assertThat(asked).containsExactly("default", "own");
    // Retiring: the peer's answer to the close request is not "unexpected".
    ch.writeInbound(bytes("bye"));
    ((ByteBuf) ch.readInbound()).release();
    assertThat(ch.isOpen()).isTrue();
    ch.close(); // the peer's FIN
    assertThat(reports).containsExactly(ClosedBy.PEER.name());
  }

  @Test
  void aFailingRequesterCountsAsNotAsked() {
    EmbeddedChannel ch =
        channel(
            c -> {
              throw new IllegalStateException("no");
            });
    assertThat(IdleWatchHandler.of(ch).requestPeerClose(ch)).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void pooledChannelsIgnoresForeignChannels() {
    EmbeddedChannel ch = new EmbeddedChannel();
    PooledChannels.markIdle(ch);
    PooledChannels.markLeased(ch);
    PooledChannels.setPeerCloseRequester(ch, c -> true);
    assertThat(PooledChannels.isPooled(ch)).isFalse();
    assertThat(PooledChannels.isIdle(ch)).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void bytesAfterTheCloseWasRequestedAreDropped() {
    EmbeddedChannel ch = channel(null);
    IdleWatchHandler.of(ch).closeRequested();
    ByteBuf late = bytes("late");
    ch.writeInbound(late);
    assertThat(late.refCnt()).isZero();
    assertThat(ch.inboundMessages()).isEmpty();
    ch.finishAndReleaseAll();
  }
}
