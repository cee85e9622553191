package io.mooring.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.SocketTable;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * A server that answers before reading the request body (nginx's {@code return 200}, an early 4xx)
 * keeps its keep-alive connection: the client finishes sending a bounded body and reuses the
 * connection. Counted on the server: 300 sequential 4 KiB POSTs open a handful of connections, not
 * one per other request.
 */
@EachIoMode
class EarlyResponseIT {
  @Parameter IoMode io;

  private static final int POSTS = 300;
  private static final byte[] BODY = new byte[4096];

  /**
   * Connections allowed for 300 POSTs: 1 on a quiet machine; a loaded one may let the 2 s bound on
   * finishing a body expire now and then (that connection is aborted). Before the fix: 51-69.
   */
  private static final long HANDFUL = 10;

  private long connectionsFor(Supplier<BodyPublisher> body) throws Exception {
    return connectionsFor(POSTS, body);
  }

  private long connectionsFor(int posts, Supplier<BodyPublisher> body) throws Exception {
    try (RawServer server = new RawServer((n, head) -> RawServer.ok("done"), true);
        MooringHttpClient client = MooringHttpClient.newBuilder().io(io).build()) {
      for (int i = 0; i < posts; i++) {
        HttpRequest post = HttpRequest.newBuilder(server.uri("/early")).POST(body.get()).build();
        assertThat(client.send(post, BodyHandlers.ofString()).body()).isEqualTo("done");
      }
      assertThat(server.requests()).hasSize(posts);
      assertThat(SocketTable.clientTimeWait(server.port())).isZero();
      return server.connections();
    }
  }

  @Test
  void inMemoryBodiesGoOutWithTheHeadAndKeepTheConnection() throws Exception {
    assertThat(connectionsFor(() -> BodyPublishers.ofByteArray(BODY))).isLessThanOrEqualTo(HANDFUL);
  }

  @Test
  void aFixedLengthStreamedBodyIsFinishedAndTheConnectionKept() throws Exception {
    assertThat(
            connectionsFor(
                () ->
                    BodyPublishers.fromPublisher(
                        BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(BODY)),
                        BODY.length)))
        .isLessThanOrEqualTo(HANDFUL);
  }

  @Test
  void aChunkedBodyOfUnknownLengthStillCostsItsConnection() throws Exception {
    long opened = connectionsFor(20, () -> new HeldBody(io == IoMode.EVENT_LOOP));
    if (io == IoMode.CALLER_THREAD) {
      // The caller writes the whole body before it reads the response (64 KiB fit the socket's
      // buffers), so nothing is left to send when the early answer is read: the connection stays.
      assertThat(opened).isEqualTo(1);
    } else {
      // On the event loop the answer comes while the rest is unbounded: the connection is aborted
      // (RST, no TIME_WAIT), never reused.
      assertThat(opened).isGreaterThan(1);
    }
  }

  /**
   * A body of unknown length (chunked): 8 KiB at once, then 56 KiB. With {@code hold} the rest
   * waits until the exchange cancels the body (the event loop does when the early answer ends while
   * the body has not), at most 5 s, so the answer always comes before the body's end and the
   * outcome does not hang on how fast the machine is; a body never cancelled is sent whole.
   */
  private static final class HeldBody implements BodyPublisher {
    private final boolean hold;

    HeldBody(boolean hold) {
      this.hold = hold;
    }

    @Override
    public long contentLength() {
      return -1;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      CountDownLatch cancelled = new CountDownLatch(1);
      AtomicInteger requests = new AtomicInteger();
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              int i = requests.getAndIncrement();
              if (i == 0) {
                s.onNext(ByteBuffer.wrap(new byte[8 * 1024]));
              } else if (i == 1) {
                if (hold && awaitCancel(cancelled)) {
                  return;
                }
                s.onNext(ByteBuffer.wrap(new byte[56 * 1024]));
              } else if (i == 2) {
                s.onComplete();
              }
            }

            @Override
            public void cancel() {
              cancelled.countDown();
            }
          });
    }

    private static boolean awaitCancel(CountDownLatch cancelled) {
      try {
        return cancelled.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }
  }
}
