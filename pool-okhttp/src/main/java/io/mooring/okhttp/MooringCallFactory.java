package io.mooring.okhttp;

import io.mooring.http.MooringHttpClient;
import io.mooring.okhttp.internal.CallSettings;
import io.mooring.okhttp.internal.MooringCall;
import io.mooring.okhttp.internal.SharedExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import okhttp3.Call;
import okhttp3.Interceptor;
import okhttp3.Request;

/**
 * An {@link okhttp3.Call.Factory} whose calls run on a {@link MooringHttpClient}: Retrofit and
 * other code written against OkHttp's {@code Call} API send over Mooring's pool by changing one
 * line:
 *
 * <pre>{@code
 * MooringHttpClient client = MooringHttpClient.newBuilder().build();   // close it at shutdown
 * Retrofit retrofit = new Retrofit.Builder()
 *     .baseUrl("https://api.example.com/")
 *     .callFactory(MooringCallFactory.create(client))                  // was .client(okHttpClient)
 *     .build();
 * }</pre>
 *
 * <p><b>What the calls do.</b> Each {@link Call} is complete: {@code execute}, {@code enqueue}
 * (callbacks on the executor, see {@link Builder#executor}), {@code cancel} (the call fails with
 * {@code IOException("Canceled")}), {@code timeout()} (an okio {@code Timeout} honoured as the call
 * timeout: connecting, writing, waiting and reading the body; it fails with {@code
 * InterruptedIOException("timeout")}), {@code clone}, {@code isExecuted} ({@code
 * IllegalStateException("Already Executed")} on a second use), {@code isCanceled}. Responses have
 * OkHttp's semantics: protocol {@code HTTP_1_1}, every header (multi-valued ones too), {@code
 * sentRequestAtMillis}/{@code receivedResponseAtMillis}, the TLS handshake, prior responses of
 * redirects the client followed, and a streaming {@code ResponseBody} read straight from the
 * connection. Closing a body returns its connection to the pool once the body is read to its end; a
 * body closed early is drained (up to 64 KiB) or its connection aborted with RST, never put back
 * dirty. Request bodies of every kind are sent: known length (up to 64 KiB buffered, so the client
 * may replay them when a pooled connection turns out stale; larger ones streamed), unknown length
 * ({@code contentLength() == -1}, sent chunked) and one-shot bodies (streamed, written by {@code
 * writeTo} on the executor); {@code contentType()} becomes {@code Content-Type}.
 *
 * <p><b>What cannot apply.</b> Mooring owns the connections, so OkHttp's connection-level features
 * have no place to run: network interceptors, {@code EventListener}, OkHttp's {@code Cache}, its
 * {@code ConnectionPool}, {@code Dispatcher} limits, per-call {@code Dns}, proxies, certificate
 * pinning, HTTP/2 and duplex bodies (a duplex body fails with {@code ProtocolException}).
 * Redirects, cookies, authentication, TLS and the connect timeout are the {@link
 * MooringHttpClient}'s settings (OkHttp follows redirects by default; build the client with {@code
 * followRedirects(Redirect.NORMAL)} to keep that). Application interceptors ({@link
 * Builder#addInterceptor}) run around each call as in OkHttp; their {@code Chain.connection()} is
 * null, the {@code Chain.with*Timeout} methods change nothing (use the call timeout), and OkHttp
 * 5's {@code Chain.with*} methods for DNS, proxies, TLS, cache, cookies or the pool throw {@link
 * UnsupportedOperationException}, as does OkHttp 5's {@code Call.addEventListener}. The headers the
 * client writes itself ({@code Connection}, {@code Keep-Alive}, {@code Content-Length}, {@code
 * Transfer-Encoding}, {@code Expect}, and a {@code Host} equal to the URL's) are left to it; a
 * {@code Host} naming another authority, or {@code Upgrade}, is refused with an {@link
 * IllegalArgumentException}. OkHttp's transparent gzip is not done. Responses carry an empty {@code
 * message()}: the reason phrase is not part of the {@code java.net.http} API.
 *
 * <p><b>Threads and ownership.</b> Thread safe and immutable. The factory does not own the client:
 * close the {@link MooringHttpClient} yourself when done; calls made after that fail with an {@code
 * IOException}.
 */
public final class MooringCallFactory implements Call.Factory {
  private final CallSettings settings;

  private MooringCallFactory(CallSettings settings) {
    this.settings = settings;
  }

  /** A factory for calls on {@code client} with no interceptors and no call timeout. */
  public static MooringCallFactory create(MooringHttpClient client) {
    return builder(client).build();
  }

  /** A builder for a factory on {@code client}. */
  public static Builder builder(MooringHttpClient client) {
    return new Builder(client);
  }

  /** A new, not yet executed call of {@code request}. */
  @Override
  public Call newCall(Request request) {
    return new MooringCall(settings, Objects.requireNonNull(request, "request"));
  }

  /** The client the calls run on; owned by the caller. */
  public MooringHttpClient client() {
    return settings.client();
  }

  /** The application interceptors, in the order they run. */
  public List<Interceptor> interceptors() {
    return settings.interceptors();
  }

  /** The default call timeout of new calls; zero means none. */
  public Duration callTimeout() {
    return Duration.ofNanos(settings.callTimeoutNanos());
  }

  /** Configures a {@link MooringCallFactory}. Not thread safe. */
  public static final class Builder {
    private static final Duration MAX_CALL_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private final MooringHttpClient client;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private Executor executor;
    private Duration callTimeout = Duration.ZERO;

    private Builder(MooringHttpClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Adds an application interceptor: it sees each call once, may rewrite the request, call {@code
     * chain.proceed} any number of times and rewrite the response, as in OkHttp.
     */
    public Builder addInterceptor(Interceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Where {@code enqueue}d calls run (their interceptors and callbacks) and where streamed
     * request bodies are written. Default: the client's executor when it was given one, else one
     * cached pool of daemon threads shared by all factories (as OkHttp's own dispatcher pool). An
     * enqueued call holds a thread until its response head arrives and a streamed body holds one
     * while it is written, so a bounded executor must have room for them and for the client's own
     * work, or calls wait on each other.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The default call timeout of new calls (each call's {@code timeout()} can change it before it
     * runs): the whole call, from sending to reading the last byte of the body. Zero (the default,
     * as in OkHttp) means none.
     *
     * @throws IllegalArgumentException if negative or longer than {@code Integer.MAX_VALUE}
     *     milliseconds (about 24.8 days, OkHttp's own limit)
     */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "callTimeout");
      if (timeout.isNegative() || timeout.compareTo(MAX_CALL_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "callTimeout is " + timeout + "; expected 0.." + MAX_CALL_TIMEOUT.toMillis() + " ms");
      }
      this.callTimeout = timeout;
      return this;
    }

    /** The factory. */
    public MooringCallFactory build() {
      Executor e = executor;
      if (e == null) {
        e = client.executor().orElseGet(SharedExecutor::get);
      }
      return new MooringCallFactory(
          new CallSettings(client, List.copyOf(interceptors), e, callTimeout.toNanos()));
    }
  }
}
