package io.mooring.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.IoMode;
import io.mooring.http.MooringHttpClient;
import io.mooring.http.testing.EachIoMode;
import io.mooring.http.testing.JdkServer;
import io.mooring.http.testing.RawServer;
import io.mooring.pool.testing.SocketTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * OkHttp's Call contract on the Mooring client, against the JDK's HTTP server on loopback, once per
 * {@link IoMode}: in {@code CALLER_THREAD} mode the thread a cancel or the call timeout interrupts
 * is the one doing the socket I/O.
 */
@EachIoMode
class CallIT {
  @Parameter IoMode io;

  private static final MediaType TEXT = MediaType.parse("text/plain; charset=utf-8");
  private static final int BIG = 1024 * 1024;

  private JdkServer server;

  /** Sends the head and 10 of the 100 bytes it announces, then nothing more. */
  private RawServer partial;

  private MooringHttpClient client;
  private MooringCallFactory factory;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger stalledRequests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = new JdkServer();
    server.handle(
        "/multi",
        ex -> {
          ex.getResponseHeaders().add("X-Multi", "one");
          ex.getResponseHeaders().add("X-Multi", "two");
          ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
          JdkServer.respond(ex, 200, "multi");
        });
    server.handle(
        "/inspect",
        ex -> {
          byte[] body;
          try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
          }
          String seen =
              "type="
                  + ex.getRequestHeaders().getFirst("Content-Type")
                  + " length="
                  + ex.getRequestHeaders().getFirst("Content-Length")
                  + " te="
                  + ex.getRequestHeaders().getFirst("Transfer-Encoding")
                  + " added="
                  + ex.getRequestHeaders().getFirst("X-Added")
                  + " bytes="
                  + body.length
                  + " body="
                  + new String(body, 0, Math.min(body.length, 16), StandardCharsets.UTF_8);
          JdkServer.respond(ex, 200, seen);
        });
    server.handle(
        "/stall",
        ex -> {
          stalledRequests.incrementAndGet();
          stalled.countDown();
          await(release);
          JdkServer.respond(ex, 200, "late");
        });
    server.handle(
        "/big",
        ex -> {
          ex.sendResponseHeaders(200, BIG);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(new byte[BIG]);
          }
        });
    server.handle(
        "/redirect",
        ex -> {
          ex.getResponseHeaders().add("Location", "/hello");
          JdkServer.respond(ex, 302, "moved");
        });
    partial =
        new RawServer(
            (n, head) ->
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"
                    .getBytes(StandardCharsets.ISO_8859_1));
    client =
        MooringHttpClient.newBuilder().io(io).followRedirects(HttpClient.Redirect.NORMAL).build();
    factory = MooringCallFactory.create(client);
  }

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    client.close();
    server.close();
    partial.close();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Request get(String path) {
    return new Request.Builder().url(server.uri(path).toString()).build();
  }

  private Request partialRequest() {
    return new Request.Builder().url(partial.uri("/partial").toString()).build();
  }

  private Request post(String path, RequestBody body) {
    return new Request.Builder().url(server.uri(path).toString()).post(body).build();
  }

  private String inspect(RequestBody body) throws IOException {
    try (Response r = factory.newCall(post("/inspect", body)).execute()) {
      return r.body().string();
    }
  }

  @Test
  void executeReturnsAnOkHttpResponseWithEveryHeaderAndAStreamingBody() throws IOException {
    Request request = get("/multi");
    long before = System.currentTimeMillis();
    try (Response r = factory.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.isSuccessful()).isTrue();
      assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
      assertThat(r.request()).isSameAs(request);
      assertThat(r.headers("X-Multi")).containsExactly("one", "two");
      assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
      assertThat(r.body().contentType()).isEqualTo(TEXT);
      assertThat(r.body().contentLength()).isEqualTo(5);
      assertThat(r.sentRequestAtMillis()).isBetween(before, r.receivedResponseAtMillis());
      assertThat(r.receivedResponseAtMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
      assertThat(r.body().string()).isEqualTo("multi");
    }
  }

  @Test
  void requestBodiesOfEveryKind() throws IOException {
    assertThat(inspect(RequestBody.create("abc", TEXT)))
        .isEqualTo("type=text/plain; charset=utf-8 length=3 te=null added=null bytes=3 body=abc");
    assertThat(inspect(RequestBody.create(new byte[0], null)))
        .isEqualTo("type=null length=0 te=null added=null bytes=0 body=");
    byte[] large = new byte[300 * 1024];
    large[0] = 'L';
    assertThat(inspect(RequestBody.create(large, MediaType.parse("application/octet-stream"))))
        .startsWith("type=application/octet-stream length=307200 te=null added=null bytes=307200");
    assertThat(inspect(new StreamedBody(-1, false, 100_000)))
        .startsWith("type=application/x-stream length=null te=chunked added=null bytes=100000");
    assertThat(inspect(new StreamedBody(50_000, true, 50_000)))
        .startsWith("type=application/x-stream length=50000 te=null added=null bytes=50000");
    assertThat(inspect(new StreamedBody(-1, true, 10))).contains("te=chunked", "bytes=10");
  }

  @Test
  void aBodyWritingAnotherLengthThanItDeclaresFailsTheCall() {
    assertThatThrownBy(() -> inspect(new StreamedBody(5, false, 3)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("expected 5 bytes but received 3");
    assertThatThrownBy(() -> inspect(new StreamedBody(100_000, false, 99_000)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void duplexBodiesAndAForeignHostAreRefusedBeforeAnythingIsSent() {
    RequestBody duplex =
        new StreamedBody(-1, false, 1) {
          @Override
          public boolean isDuplex() {
            return true;
          }
        };
    assertThatThrownBy(() -> inspect(duplex))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("duplex");
    Request foreign = get("/hello").newBuilder().header("Host", "elsewhere.example").build();
    assertThatThrownBy(() -> factory.newCall(foreign).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Host: elsewhere.example");
  }

  @Test
  void aCallRunsOnceAndItsCloneAgain() throws IOException {
    Call call = factory.newCall(get("/hello"));
    assertThat(call.isExecuted()).isFalse();
    try (Response r = call.execute()) {
      assertThat(r.body().string()).isEqualTo("hello");
    }
    assertThat(call.isExecuted()).isTrue();
    assertThatThrownBy(call::execute)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already Executed");
    assertThatThrownBy(() -> call.enqueue(new Recorder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already Executed");
    Call again = call.clone();
    assertThat(again.isExecuted()).isFalse();
    assertThat(again.request()).isSameAs(call.request());
    try (Response r = again.execute()) {
      assertThat(r.body().string()).isEqualTo("hello");
    }
  }

  @Test
  void statusCodesAndRedirectsTheClientFollowed() throws IOException {
    try (Response r = factory.newCall(get("/status/404")).execute()) {
      assertThat(r.isSuccessful()).isFalse();
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.body().string()).isEqualTo("status 404");
    }
    try (Response r = factory.newCall(get("/redirect")).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.request().url().encodedPath()).isEqualTo("/hello");
      assertThat(r.priorResponse()).isNotNull();
      assertThat(r.priorResponse().code()).isEqualTo(302);
      assertThat(r.priorResponse().request().url().encodedPath()).isEqualTo("/redirect");
      assertThat(r.body().string()).isEqualTo("hello");
    }
  }

  @Test
  void cancelledBeforeItRunsFailsWithCanceled() {
    Call call = factory.newCall(get("/hello"));
    call.cancel();
    assertThat(call.isCanceled()).isTrue();
    assertThatThrownBy(call::execute).isInstanceOf(IOException.class).hasMessage("Canceled");
  }

  @Test
  void cancelWhileWaitingForTheResponseFailsTheCallAndFreesTheConnection() throws Exception {
    Call call = factory.newCall(get("/stall"));
    AtomicBoolean senderInterrupted = new AtomicBoolean(true);
    CompletableFuture<Throwable> failure =
        CompletableFuture.supplyAsync(
            () -> {
              try (Response r = call.execute()) {
                return new AssertionError("answered " + r.code());
              } catch (Throwable t) {
                return t;
              } finally {
                senderInterrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel();
    Throwable t = failure.get(10, TimeUnit.SECONDS);
    assertThat(t).isInstanceOf(IOException.class).hasMessage("Canceled");
    // The interrupt that cancelled the wait (or the socket read) is not left on the caller.
    assertThat(senderInterrupted).isFalse();
    // The abandoned connection was aborted (RST): gone, no client TIME_WAIT, and the pool works.
    AbortedConnections.assertAllAborted(server.port());
    try (Response r = factory.newCall(get("/hello")).execute()) {
      assertThat(r.body().string()).isEqualTo("hello");
    }
  }

  @Test
  void cancelWhileReadingTheBodyFailsTheRead() throws Exception {
    Call call = factory.newCall(partialRequest());
    Response r = call.execute();
    BufferedSource source = r.body().source();
    assertThat(source.readUtf8(10)).isEqualTo("0123456789");
    // Cancelled from another thread while (or before) the read below blocks for the other 90.
    CompletableFuture.runAsync(
        call::cancel, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    assertThatThrownBy(() -> source.readByteArray(90))
        .isInstanceOf(IOException.class)
        .hasMessage("Canceled");
    r.close();
    // The connection was aborted (RST): once the socket is gone it left no client TIME_WAIT.
    AbortedConnections.assertAllAborted(partial.port());
  }

  @Test
  void theCallTimeoutCoversWaitingAndReadingTheBody() throws Exception {
    MooringCallFactory timed =
        MooringCallFactory.builder(client).callTimeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> timed.newCall(get("/stall")).execute())
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("timeout");
    AbortedConnections.assertAllAborted(server.port());

    Call call = factory.newCall(partialRequest());
    call.timeout().timeout(300, TimeUnit.MILLISECONDS);
    Response r = call.execute();
    InputStream in = r.body().byteStream();
    assertThatThrownBy(() -> in.readAllBytes())
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("timeout");
    r.close();
    assertThat(call.isCanceled()).isTrue();
    AbortedConnections.assertAllAborted(partial.port());

    // A call that ends in time is not touched by its timeout later.
    Call quick = timed.newCall(get("/hello"));
    try (Response ok = quick.execute()) {
      assertThat(ok.body().string()).isEqualTo("hello");
    }
    assertThat(quick.isCanceled()).isFalse();
  }

  @Test
  void enqueueCallsBackOnTheExecutor() throws Exception {
    Recorder ok = new Recorder();
    factory.newCall(get("/hello")).enqueue(ok);
    assertThat(ok.body.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(ok.thread).startsWith("mooring-okhttp-");

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Recorder refused = new Recorder();
    factory
        .newCall(new Request.Builder().url("http://127.0.0.1:" + closedPort + "/").build())
        .enqueue(refused);
    assertThatThrownBy(() -> refused.body.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IOException.class);

    Recorder cancelled = new Recorder();
    Call call = factory.newCall(get("/stall"));
    call.enqueue(cancelled);
    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel();
    assertThatThrownBy(() -> cancelled.body.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("Canceled");
  }

  @Test
  void applicationInterceptorsRunAroundTheCall() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    MooringCallFactory intercepted =
        MooringCallFactory.builder(client)
            .addInterceptor(
                chain -> {
                  calls.incrementAndGet();
                  assertThat(chain.connection()).isNull();
                  assertThat(chain.call()).isNotNull();
                  return chain.proceed(
                      chain.request().newBuilder().header("X-Added", "by-interceptor").build());
                })
            .addInterceptor(
                chain -> {
                  // A retrying interceptor: the first response is discarded, the second kept.
                  chain.proceed(chain.request()).close();
                  return chain.proceed(chain.request());
                })
            .build();
    try (Response r =
        intercepted.newCall(post("/inspect", RequestBody.create("x", TEXT))).execute()) {
      assertThat(r.body().string()).contains("added=by-interceptor", "bytes=1");
      assertThat(r.request().header("X-Added")).isEqualTo("by-interceptor");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aBodyClosedEarlyNeverPoisonsThePool() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (Response r = factory.newCall(get("/big")).execute()) {
        assertThat(r.body().byteStream().readNBytes(10)).hasSize(10);
      }
      try (Response r = factory.newCall(get("/hello")).execute()) {
        assertThat(r.body().string()).isEqualTo("hello");
      }
    }
    assertThat(SocketTable.clientTimeWait(server.port())).isZero();
  }

  /** A body written by {@code writeTo} in small pieces: {@code length} may lie about it. */
  private static class StreamedBody extends RequestBody {
    private final long length;
    private final boolean oneShot;
    private final int bytes;

    StreamedBody(long length, boolean oneShot, int bytes) {
      this.length = length;
      this.oneShot = oneShot;
      this.bytes = bytes;
    }

    @Override
    public MediaType contentType() {
      return MediaType.parse("application/x-stream");
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public boolean isOneShot() {
      return oneShot;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      for (int i = 0; i < bytes; i++) {
        sink.writeByte('s');
      }
    }
  }

  /** Records a callback's outcome and thread. */
  private static final class Recorder implements Callback {
    final CompletableFuture<String> body = new CompletableFuture<>();
    volatile String thread;

    @Override
    public void onResponse(Call call, Response response) throws IOException {
      thread = Thread.currentThread().getName();
      try (response) {
        body.complete(response.body().string());
      }
    }

    @Override
    public void onFailure(Call call, IOException e) {
      thread = Thread.currentThread().getName();
      body.completeExceptionally(e);
    }
  }
}
