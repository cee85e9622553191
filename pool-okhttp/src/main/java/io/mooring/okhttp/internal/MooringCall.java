package io.mooring.okhttp.internal;

import io.mooring.http.MooringHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.jvm.functions.Function0;
import kotlin.reflect.KClass;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.AsyncTimeout;
import okio.Timeout;

/**
 * One OkHttp {@link Call} on the Mooring client. The calling thread runs the application
 * interceptors and then blocks in the client's {@code send} (an {@code enqueue}d call does the same
 * on the executor, as OkHttp's dispatcher threads do). Cancelling interrupts that wait, which makes
 * the client abandon the exchange, and closes the body streams handed out, which frees their
 * connections; the call timeout is an okio {@link AsyncTimeout} (OkHttp's own watchdog) that
 * cancels the call when it fires, from {@code execute} until the body is done.
 *
 * <p>Thread safe: {@link #cancel()} may come from any thread while the call runs.
 */
public final class MooringCall implements Call {
  private static final System.Logger LOG = System.getLogger(MooringCall.class.getName());

  private final CallSettings settings;
  private final Request request;
  private final CallTimeout timeout = new CallTimeout();
  private final AtomicBoolean executed = new AtomicBoolean();
  private final AtomicBoolean timeoutExited = new AtomicBoolean();
  private final Object lock = new Object();
  private final Map<Class<?>, Object> tags = new ConcurrentHashMap<>();
  private volatile boolean canceled;
  private volatile boolean timedOut;

  /** The thread blocked in the client's {@code send}; guarded by {@code lock}. */
  private Thread sender;

  /** Whether {@link #cancel()} interrupted {@link #sender}; guarded by {@code lock}. */
  private boolean senderInterrupted;

  /** Bodies handed out and not yet done; guarded by {@code lock}. */
  private final List<CallBodyStream> openBodies = new ArrayList<>(1);

  /** Whether the interceptor chain returned; guarded by {@code lock}. */
  private boolean chainReturned;

  /** A call of {@code request} with the factory's {@code settings}. */
  public MooringCall(CallSettings settings, Request request) {
    this.settings = settings;
    this.request = request;
    timeout.timeout(settings.callTimeoutNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public Request request() {
    return request;
  }

  /**
   * Runs the call on this thread.
   *
   * @throws IllegalStateException "Already Executed" when the call ran before
   * @throws IOException {@code Canceled} when cancelled, {@link InterruptedIOException} {@code
   *     timeout} when the call timeout fired, {@link SocketTimeoutException} on a connect timeout,
   *     else what the client or an interceptor threw
   */
  @Override
  public Response execute() throws IOException {
    markExecuted();
    timeout.enter();
    return run();
  }

  /**
   * Runs the call on the executor and reports to {@code callback} there.
   *
   * @throws IllegalStateException "Already Executed" when the call ran before
   */
  @Override
  public void enqueue(Callback callback) {
    Objects.requireNonNull(callback, "callback");
    markExecuted();
    try {
      settings.executor().execute(() -> runAsync(callback));
    } catch (RejectedExecutionException e) {
      InterruptedIOException failure = new InterruptedIOException("executor rejected");
      failure.initCause(e);
      callback.onFailure(this, failure);
    }
  }

  private void runAsync(Callback callback) {
    timeout.enter();
    Response response;
    try {
      response = run();
    } catch (IOException e) {
      callback.onFailure(this, e);
      return;
    } catch (RuntimeException | Error e) {
      IOException failure = new IOException("canceled due to " + e);
      failure.addSuppressed(e);
      callback.onFailure(this, failure);
      throw e;
    }
    try {
      callback.onResponse(this, response);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.INFO, "Callback failure for " + request.url().redact(), e);
    } catch (RuntimeException | Error e) {
      cancel();
      throw e;
    }
  }

  private Response run() throws IOException {
    Response response;
    try {
      response = new ApplicationChain(this, settings.interceptors(), 0, request).proceed(request);
    } catch (IOException | RuntimeException | Error e) {
      chainEnded(true);
      throw e;
    }
    if (canceled) {
      ResponseBody body = response.body();
      if (body != null) {
        body.close();
      }
      chainEnded(true);
      throw canceledException(null);
    }
    chainEnded(false);
    return response;
  }

  /** The last step of the interceptor chain: sends {@code sent} on the client. */
  Response sendOverMooring(Request sent) throws IOException {
    if (canceled) {
      throw canceledException(null);
    }
    HttpRequest http = RequestConversion.toHttpRequest(sent, settings.executor());
    long sentAt = System.currentTimeMillis();
    HttpResponse<InputStream> response = send(http);
    long receivedAt = System.currentTimeMillis();
    CallBodyStream body = new CallBodyStream(response.body(), this);
    boolean cancelled;
    synchronized (lock) {
      cancelled = canceled;
      if (!cancelled) {
        openBodies.add(body);
      }
    }
    if (cancelled) {
      body.abort();
      throw canceledException(null);
    }
    try {
      return ResponseConversion.toResponse(sent, http, response, body, sentAt, receivedAt);
    } catch (RuntimeException e) {
      body.abort();
      bodyDone(body);
      throw e;
    }
  }

  private HttpResponse<InputStream> send(HttpRequest http) throws IOException {
    synchronized (lock) {
      if (canceled) {
        throw canceledException(null);
      }
      sender = Thread.currentThread();
    }
    try {
      return settings.client().send(http, BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      if (canceled) {
        throw canceledException(e);
      }
      Thread.currentThread().interrupt();
      InterruptedIOException failure =
          new InterruptedIOException("interrupted while sending " + request.url().redact());
      failure.initCause(e);
      throw failure;
    } catch (HttpConnectTimeoutException e) {
      if (canceled) {
        throw canceledException(e);
      }
      // OkHttp users catch connect timeouts as SocketTimeoutException.
      SocketTimeoutException failure = new SocketTimeoutException(e.getMessage());
      failure.initCause(e);
      throw failure;
    } catch (IOException e) {
      throw canceled ? canceledException(e) : e;
    } finally {
      synchronized (lock) {
        sender = null;
        if (senderInterrupted) {
          // cancel() interrupted this thread; the interrupt was meant for the wait, not the caller.
          senderInterrupted = false;
          Thread.interrupted();
        }
      }
    }
  }

  /**
   * Cancels the call: a waiting {@code execute} fails with {@code IOException("Canceled")}, open
   * bodies fail on their next read and their connections are not reused. Any thread; idempotent.
   */
  @Override
  public void cancel() {
    List<CallBodyStream> bodies;
    synchronized (lock) {
      if (canceled) {
        return;
      }
      canceled = true;
      if (sender != null) {
        senderInterrupted = true;
        sender.interrupt();
      }
      bodies = List.copyOf(openBodies);
    }
    for (CallBodyStream b : bodies) {
      b.abort();
    }
  }

  @Override
  public boolean isExecuted() {
    return executed.get();
  }

  @Override
  public boolean isCanceled() {
    return canceled;
  }

  /** The call timeout: set it (or a deadline) before the call runs; zero means none. */
  @Override
  public Timeout timeout() {
    return timeout;
  }

  /** A new call of the same request, not yet executed, with the factory's call timeout. */
  @Override
  public MooringCall clone() {
    return new MooringCall(settings, request);
  }

  /**
   * OkHttp 5: unsupported. Events come from OkHttp's connection machinery, which Mooring replaces;
   * use the client's Micrometer meters instead.
   *
   * @throws UnsupportedOperationException always
   */
  public void addEventListener(EventListener listener) {
    throw new UnsupportedOperationException(
        "EventListener cannot apply to a call on MooringCallFactory (no OkHttp connections run it);"
            + " use MooringHttpClient's meters");
  }

  /** OkHttp 5: the call's tag of {@code type}, else the request's, else null. */
  public <T> T tag(Class<? extends T> type) {
    Object t = tags.get(type);
    return type.cast(t != null ? t : request.tag(type));
  }

  /** OkHttp 5: as {@link #tag(Class)}. */
  public <T> T tag(KClass<T> type) {
    return tag(JvmClassMappingKt.getJavaClass(type));
  }

  /** OkHttp 5: the tag of {@code type}, computed and attached to the call when there is none. */
  public <T> T tag(Class<T> type, Function0<? extends T> computeIfAbsent) {
    T existing = tag(type);
    if (existing != null) {
      return existing;
    }
    return type.cast(tags.computeIfAbsent(type, k -> computeIfAbsent.invoke()));
  }

  /** OkHttp 5: as {@link #tag(Class, Function0)}. */
  public <T> T tag(KClass<T> type, Function0<? extends T> computeIfAbsent) {
    return tag(JvmClassMappingKt.getJavaClass(type), computeIfAbsent);
  }

  @Override
  public String toString() {
    return "MooringCall{" + request.method() + " " + request.url().redact() + "}";
  }

  MooringHttpClient client() {
    return settings.client();
  }

  /** What a cancelled call throws: {@code timeout} when the call timeout fired it. */
  IOException canceledException(Throwable cause) {
    IOException e = timedOut ? new InterruptedIOException("timeout") : new IOException("Canceled");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** A body of this call was read to its end, failed or was closed. */
  void bodyDone(CallBodyStream body) {
    boolean finished;
    synchronized (lock) {
      finished = openBodies.remove(body) && chainReturned && openBodies.isEmpty();
    }
    if (finished) {
      exitTimeout();
    }
  }

  private void chainEnded(boolean failed) {
    boolean finished;
    synchronized (lock) {
      chainReturned = true;
      finished = failed || openBodies.isEmpty();
    }
    if (finished) {
      exitTimeout();
    }
  }

  private void exitTimeout() {
    if (timeoutExited.compareAndSet(false, true)) {
      timeout.exit();
    }
  }

  private void markExecuted() {
    if (!executed.compareAndSet(false, true)) {
      throw new IllegalStateException("Already Executed");
    }
  }

  /** OkHttp's call timeout: fired on okio's watchdog thread, it cancels the call. */
  private final class CallTimeout extends AsyncTimeout {
    @Override
    protected void timedOut() {
      timedOut = true;
      cancel();
    }
  }
}
