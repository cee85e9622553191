package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mooring.http.testing.Eventually;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestWriterTest {
  private static final URI U = URI.create("http://h/p");
  private static final String UA = "user-agent: " + UserAgent.DEFAULT + "\r\n";
  private static final long WAIT_S = 10;

  private final Recording out = new Recording();
  private final AtomicInteger firstBytes = new AtomicInteger();
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private final AtomicReference<Thread> writing = new AtomicReference<>();

  @AfterEach
  void stop() {
    background.shutdownNow();
  }

  private RequestWriter writer(HttpRequest request) {
    return new RequestWriter(out, request, Map.of(), false, firstBytes::incrementAndGet);
  }

  private static HttpRequest post(BodyPublisher body) {
    return HttpRequest.newBuilder(U).POST(body).build();
  }

  private static String head(String method, String framing) {
    return method + " /p HTTP/1.1\r\nhost: h\r\n" + UA + framing + "\r\n";
  }

  private Future<?> writeInBackground(RequestWriter w) {
    return background.submit(
        () -> {
          writing.set(Thread.currentThread());
          w.write();
          return null;
        });
  }

  /** Returns once the background writer waits for the publisher (it parks for nothing else). */
  private void awaitWriterWaiting() throws InterruptedException {
    Eventually.holds(
        "the writer waits for the publisher",
        Duration.ofSeconds(WAIT_S),
        () -> writing.get() != null && writing.get().getState() == Thread.State.WAITING);
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      f.get(WAIT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("write() did not fail");
  }

  @Test
  void aGetIsItsHeadInOneWrite() throws Exception {
    writer(HttpRequest.newBuilder(URI.create("http://h/p?q=1")).build()).write();
    assertThat(out.writes()).containsExactly("GET /p?q=1 HTTP/1.1\r\nhost: h\r\n" + UA + "\r\n");
    assertThat(out.flushes()).isEqualTo(1);
    assertThat(firstBytes).hasValue(1);
  }

  @Test
  void theClientsFieldsGoOnTheWire() throws Exception {
    HttpRequest get = HttpRequest.newBuilder(U).header("Accept", "text/plain").build();
    new RequestWriter(out, get, Map.of("Cookie", "c=1"), true, () -> {}).write();
    assertThat(out.text())
        .isEqualTo(
            "GET /p HTTP/1.1\r\nhost: h\r\nAccept: text/plain\r\nCookie: c=1\r\n"
                + UA
                + "connection: close\r\n\r\n");
  }

  @Test
  void aNonAsciiTargetIsUtf8AsNettyWritesIt() throws Exception {
    writer(HttpRequest.newBuilder(URI.create("http://h/\u00e9")).build()).write();
    assertThat(out.bytes())
        .startsWith("GET /\u00c3\u00a9 HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void anInMemoryBodyGoesOutWithTheHeadInOneWrite() throws Exception {
    writer(post(BodyPublishers.ofString("abc"))).write();
    assertThat(out.writes()).containsExactly(head("POST", "content-length: 3\r\n") + "abc");
    assertThat(firstBytes).hasValue(1);
  }

  @Test
  void aLargeInMemoryBodyFollowsTheHeadWithoutBeingCopiedBehindIt() throws Exception {
    byte[] body = new byte[RequestWriter.COALESCE_LIMIT + 1];
    Arrays.fill(body, (byte) 'x');
    writer(post(BodyPublishers.ofByteArray(body))).write();
    String head = head("POST", "content-length: " + body.length + "\r\n");
    assertThat(out.writes().get(0)).isEqualTo(head);
    assertThat(out.text()).isEqualTo(head + new String(body, StandardCharsets.ISO_8859_1));
  }

  @Test
  void anEmptyPostIsItsHeadAndNeverSubscribes() throws Exception {
    writer(post(new Untouchable(0))).write();
    assertThat(out.writes()).containsExactly(head("POST", "content-length: 0\r\n"));
  }

  @Test
  void aStreamOfUnknownLengthIsChunked() throws Exception {
    byte[] body = "hello world".getBytes(StandardCharsets.ISO_8859_1);
    writer(post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))).write();
    assertThat(out.text())
        .isEqualTo(
            head("POST", "transfer-encoding: chunked\r\n") + "b\r\nhello world\r\n0\r\n\r\n");
    assertThat(out.flushes()).isEqualTo(1); // the publisher answered in request(): no wait
  }

  @Test
  void aStreamOfKnownLengthIsWrittenRaw() throws Exception {
    byte[] body = "hello".getBytes(StandardCharsets.ISO_8859_1);
    BodyPublisher p =
        BodyPublishers.fromPublisher(
            BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), 5);
    writer(post(p)).write();
    assertThat(out.writes()).containsExactly(head("POST", "content-length: 5\r\n"), "hello");
    assertThat(firstBytes).hasValue(1);
  }

  /** Starts a writer of a body from {@code sp} in the background; returns once it subscribed. */
  private Future<?> writeSubscribedTo(SubmissionPublisher<ByteBuffer> sp) throws Exception {
    CountDownLatch subscribed = new CountDownLatch(1);
    BodyPublisher p =
        BodyPublishers.fromPublisher(
            s -> {
              sp.subscribe(s);
              subscribed.countDown();
            });
    Future<?> f = writeInBackground(writer(post(p)));
    assertThat(subscribed.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    return f;
  }

  @Test
  void aSubmissionPublisherDeliversFromItsOwnThread() throws Exception {
    SubmissionPublisher<ByteBuffer> sp = new SubmissionPublisher<>();
    try {
      Future<?> f = writeSubscribedTo(sp);
      awaitWriterWaiting();
      // Waiting, the writer has flushed the head: the server sees it before the body comes.
      assertThat(out.flushes()).isEqualTo(1);
      assertThat(out.text()).isEqualTo(head("POST", "transfer-encoding: chunked\r\n"));
      sp.submit(ascii("one"));
      sp.submit(ascii("second"));
      sp.close();
      f.get(WAIT_S, TimeUnit.SECONDS);
    } finally {
      sp.close();
    }
    assertThat(out.text())
        .isEqualTo(
            head("POST", "transfer-encoding: chunked\r\n")
                + "3\r\none\r\n6\r\nsecond\r\n0\r\n\r\n");
    assertThat(firstBytes).hasValue(1);
  }

  @Test
  void aPublisherThatDeliversMoreThanItsLengthFails() {
    BodyPublisher p =
        BodyPublishers.fromPublisher(
            BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[10])), 5);
    assertThatThrownBy(() -> writer(post(p)).write())
        .isInstanceOf(RequestBodyException.class)
        .hasMessage(
            "request body publisher of POST http://h/p produced more than its contentLength() of 5"
                + " bytes");
    assertThat(out.text()).isEqualTo(head("POST", "content-length: 5\r\n"));
  }

  @Test
  void aSecondItemPastTheLengthFails() {
    BodyPublisher p = BodyPublishers.fromPublisher(new Items(ascii("four"), ascii("more")), 7);
    assertThatThrownBy(() -> writer(post(p)).write())
        .isInstanceOf(RequestBodyException.class)
        .hasMessageContaining("more than its contentLength() of 7 bytes");
    assertThat(out.text()).isEqualTo(head("POST", "content-length: 7\r\n") + "four");
  }

  @Test
  void aPublisherThatDeliversLessThanItsLengthFails() {
    BodyPublisher p =
        BodyPublishers.fromPublisher(
            BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3])), 5);
    assertThatThrownBy(() -> writer(post(p)).write())
        .isInstanceOf(RequestBodyException.class)
        .hasMessage(
            "request body publisher of POST http://h/p produced 3 bytes but its contentLength() is"
                + " 5");
  }

  @Test
  void aFileIsWrittenRaw(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "12345");
    writer(HttpRequest.newBuilder(U).PUT(BodyPublishers.ofFile(file)).build()).write();
    assertThat(out.writes()).containsExactly(head("PUT", "content-length: 5\r\n"), "12345");
  }

  @Test
  void aFileThatGrewPastItsLengthFails(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "12345");
    HttpRequest put = HttpRequest.newBuilder(U).PUT(BodyPublishers.ofFile(file)).build();
    // The length was read; the file grows before its bytes are.
    RequestWriter w = new RequestWriter(out, put, Map.of(), false, () -> append(file, "678"));
    assertThatThrownBy(w::write)
        .isInstanceOf(RequestBodyException.class)
        .hasMessageContaining("more than its contentLength() of 5 bytes");
  }

  private static void append(Path file, String s) {
    try {
      Files.writeString(file, s, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aPublishersErrorFailsTheBodyWithItAsCause() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    Throwable failure;
    SubmissionPublisher<ByteBuffer> sp = new SubmissionPublisher<>();
    try {
      Future<?> f = writeSubscribedTo(sp);
      sp.closeExceptionally(boom);
      failure = failureOf(f);
    } finally {
      sp.close();
    }
    assertThat(failure)
        .isInstanceOf(RequestBodyException.class)
        .hasCause(boom)
        .hasMessageContaining("request body publisher of POST http://h/p failed");
  }

  @Test
  void aThrowingSubscribeOrRequestFailsTheBodyWithItAsCause() {
    IllegalStateException boom = new IllegalStateException("boom");
    BodyPublisher throwsOnSubscribe =
        BodyPublishers.fromPublisher(
            s -> {
              throw boom;
            });
    assertThatThrownBy(() -> writer(post(throwsOnSubscribe)).write())
        .isInstanceOf(RequestBodyException.class)
        .hasCause(boom);

    Items throwsOnRequest = new Items();
    throwsOnRequest.onRequest = boom;
    assertThatThrownBy(() -> writer(post(BodyPublishers.fromPublisher(throwsOnRequest))).write())
        .isInstanceOf(RequestBodyException.class)
        .hasCause(boom);
    assertThat(throwsOnRequest.cancelled).hasValue(1);
  }

  @Test
  void anAbortWakesAWriterWaitingForThePublisherAndCancelsIt() throws Exception {
    Items held = new Items(); // requested, it never delivers
    RequestWriter w = writer(post(BodyPublishers.fromPublisher(held, 5)));
    Future<?> f = writeInBackground(w);
    assertThat(held.requested.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    awaitWriterWaiting();
    RuntimeException timeout = new RuntimeException("request timed out");
    w.abort(timeout);
    Throwable failure = failureOf(f);
    assertThat(failure).isInstanceOf(IOException.class).hasCause(timeout);
    assertThat(held.cancelled).hasValue(1);
    assertThat(out.text()).isEqualTo(head("POST", "content-length: 5\r\n"));
  }

  @Test
  void abortedBeforeItStartsItWritesNothingAndNeverSubscribes() {
    RequestWriter w = writer(post(new Untouchable(-1)));
    RuntimeException cause = new RuntimeException("gone");
    w.abort(cause);
    assertThatThrownBy(w::write).isInstanceOf(IOException.class).hasCause(cause);
    assertThat(out.writes()).isEmpty();
    assertThat(firstBytes).hasValue(0);
  }

  @Test
  void aHeadTheSocketRefusedLeavesTheBodyUntouched() {
    IOException reset = new IOException("Connection reset");
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw reset;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw reset;
          }
        };
    BodyPublisher oneShot = new Untouchable(-1);
    RequestWriter w =
        new RequestWriter(broken, post(oneShot), Map.of(), false, firstBytes::incrementAndGet);
    assertThatThrownBy(w::write).isSameAs(reset);
    // A refused first write took nothing (a small head is written whole or not at all), as the
    // event-loop path counts only a write that succeeded: the retry rule may skip the connection.
    assertThat(firstBytes).hasValue(0);
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A one-shot body that must not be touched: subscribing fails the test. */
  private static final class Untouchable implements BodyPublisher {
    private final long length;

    Untouchable(long length) {
      this.length = length;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      throw new AssertionError("the body was subscribed to");
    }
  }

  /**
   * A publisher that delivers its items synchronously, one per request, then completes; with no
   * items it never delivers. Counts requests and cancels.
   */
  private static final class Items implements Flow.Publisher<ByteBuffer> {
    final CountDownLatch requested = new CountDownLatch(1);
    final AtomicInteger cancelled = new AtomicInteger();
    private final List<ByteBuffer> items;
    private final boolean completes;
    volatile RuntimeException onRequest;

    Items(ByteBuffer... items) {
      this.items = new ArrayList<>(List.of(items));
      this.completes = items.length > 0;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {
              requested.countDown();
              if (onRequest != null) {
                throw onRequest;
              }
              if (!items.isEmpty()) {
                s.onNext(items.remove(0));
              } else if (completes) {
                s.onComplete();
              }
            }

            @Override
            public void cancel() {
              cancelled.incrementAndGet();
            }
          });
    }
  }

  /** Records each write as a string; a per-byte write fails the test. Thread safe. */
  private static final class Recording extends OutputStream {
    private final List<byte[]> writes = new ArrayList<>();
    private int flushes;

    @Override
    public void write(int b) {
      throw new AssertionError("per-byte write");
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.add(Arrays.copyOfRange(b, off, off + len));
    }

    @Override
    public synchronized void flush() {
      flushes++;
    }

    synchronized int flushes() {
      return flushes;
    }

    synchronized List<String> writes() {
      List<String> texts = new ArrayList<>();
      for (byte[] w : writes) {
        texts.add(new String(w, StandardCharsets.ISO_8859_1));
      }
      return texts;
    }

    synchronized byte[] bytes() {
      return text().getBytes(StandardCharsets.ISO_8859_1);
    }

    synchronized String text() {
      return String.join("", writes());
    }
  }
}
