package io.mooring.okhttp.internal;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.Cache;
import okhttp3.Call;
import okhttp3.CertificatePinner;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp's interceptor chain for application interceptors: each {@link #proceed} runs the next
 * interceptor, and past the last one sends over the Mooring client. There is no connection to
 * expose ({@link #connection()} is null, as for OkHttp's own application interceptors).
 *
 * <p>The methods without {@code @Override} are OkHttp 5's additions to {@code Interceptor.Chain}:
 * declared here so that one build of this class runs on OkHttp 4.12 and 5.x. Getters report what
 * applies on Mooring; the {@code with*} methods that would change the client per call (DNS,
 * proxies, TLS, pool, cache, cookies, authentication) throw {@link UnsupportedOperationException},
 * since they would otherwise be silently ignored. The {@code with*Timeout} methods return this
 * chain unchanged: Mooring has no per-read timeouts, and only the call timeout and the client's
 * connect timeout apply.
 *
 * <p>Not thread safe: a chain belongs to the thread running the call.
 */
final class ApplicationChain implements Interceptor.Chain {
  private final MooringCall call;
  private final List<Interceptor> interceptors;
  private final int index;
  private final Request request;

  ApplicationChain(MooringCall call, List<Interceptor> interceptors, int index, Request request) {
    this.call = call;
    this.interceptors = interceptors;
    this.index = index;
    this.request = request;
  }

  @Override
  public Request request() {
    return request;
  }

  @Override
  public Response proceed(Request next) throws IOException {
    if (index >= interceptors.size()) {
      return call.sendOverMooring(next);
    }
    Interceptor interceptor = interceptors.get(index);
    Response response =
        interceptor.intercept(new ApplicationChain(call, interceptors, index + 1, next));
    if (response == null) {
      throw new NullPointerException("interceptor " + interceptor + " returned null");
    }
    return response;
  }

  @Override
  public Connection connection() {
    return null;
  }

  @Override
  public Call call() {
    return call;
  }

  /** The client's connect timeout, 0 when it has none. */
  @Override
  public int connectTimeoutMillis() {
    return call.client().connectTimeout().map(d -> (int) d.toMillis()).orElse(0);
  }

  @Override
  public Interceptor.Chain withConnectTimeout(int timeout, TimeUnit unit) {
    return this;
  }

  /** 0: Mooring has no per-read timeout (use the call timeout). */
  @Override
  public int readTimeoutMillis() {
    return 0;
  }

  @Override
  public Interceptor.Chain withReadTimeout(int timeout, TimeUnit unit) {
    return this;
  }

  /** 0: Mooring has no per-write timeout (use the call timeout). */
  @Override
  public int writeTimeoutMillis() {
    return 0;
  }

  @Override
  public Interceptor.Chain withWriteTimeout(int timeout, TimeUnit unit) {
    return this;
  }

  /** OkHttp 5: whether the client follows redirects. */
  public boolean getFollowRedirects() {
    return call.client().followRedirects() != HttpClient.Redirect.NEVER;
  }

  /** OkHttp 5: whether the client follows redirects from https to http. */
  public boolean getFollowSslRedirects() {
    return call.client().followRedirects() == HttpClient.Redirect.ALWAYS;
  }

  /** OkHttp 5: the system resolver, which the client uses. */
  public Dns getDns() {
    return Dns.SYSTEM;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withDns(Dns dns) {
    throw unsupported("Dns");
  }

  /** OkHttp 5: the default factory (the client's sockets are Netty's). */
  public SocketFactory getSocketFactory() {
    return SocketFactory.getDefault();
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withSocketFactory(SocketFactory factory) {
    throw unsupported("SocketFactory");
  }

  /** OkHttp 5: true; the client retries requests that met a stale pooled connection. */
  public boolean getRetryOnConnectionFailure() {
    return true;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withRetryOnConnectionFailure(boolean retry) {
    throw unsupported("retryOnConnectionFailure");
  }

  /** OkHttp 5: none (authentication is the client's {@code java.net.Authenticator}). */
  public Authenticator getAuthenticator() {
    return Authenticator.NONE;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withAuthenticator(Authenticator authenticator) {
    throw unsupported("Authenticator");
  }

  /** OkHttp 5: none (cookies are the client's {@code CookieHandler}). */
  public CookieJar getCookieJar() {
    return CookieJar.NO_COOKIES;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withCookieJar(CookieJar cookieJar) {
    throw unsupported("CookieJar");
  }

  /** OkHttp 5: none. */
  public Cache getCache() {
    return null;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withCache(Cache cache) {
    throw unsupported("Cache");
  }

  /** OkHttp 5: no proxy. */
  public Proxy getProxy() {
    return Proxy.NO_PROXY;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withProxy(Proxy proxy) {
    throw unsupported("Proxy");
  }

  /** OkHttp 5: no proxy. */
  public ProxySelector getProxySelector() {
    return HttpClient.Builder.NO_PROXY;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withProxySelector(ProxySelector selector) {
    throw unsupported("ProxySelector");
  }

  /** OkHttp 5: none. */
  public Authenticator getProxyAuthenticator() {
    return Authenticator.NONE;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withProxyAuthenticator(Authenticator authenticator) {
    throw unsupported("proxy Authenticator");
  }

  /** OkHttp 5: null (TLS is the client's {@code SSLContext}). */
  public SSLSocketFactory getSslSocketFactoryOrNull() {
    return null;
  }

  /** OkHttp 5: null (TLS is the client's {@code SSLContext}). */
  public X509TrustManager getX509TrustManagerOrNull() {
    return null;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withSslSocketFactory(
      SSLSocketFactory factory, X509TrustManager trustManager) {
    throw unsupported("SSLSocketFactory");
  }

  /** OkHttp 5: unsupported (the client verifies host names with the JDK's HTTPS rules). */
  public HostnameVerifier getHostnameVerifier() {
    throw unsupported("HostnameVerifier");
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withHostnameVerifier(HostnameVerifier verifier) {
    throw unsupported("HostnameVerifier");
  }

  /** OkHttp 5: none. */
  public CertificatePinner getCertificatePinner() {
    return CertificatePinner.DEFAULT;
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withCertificatePinner(CertificatePinner pinner) {
    throw unsupported("CertificatePinner");
  }

  /** OkHttp 5: unsupported (the pool is Mooring's). */
  public ConnectionPool getConnectionPool() {
    throw unsupported("ConnectionPool");
  }

  /** OkHttp 5: unsupported. */
  public Interceptor.Chain withConnectionPool(ConnectionPool pool) {
    throw unsupported("ConnectionPool");
  }

  /** OkHttp 5: none. */
  public EventListener getEventListener() {
    return EventListener.NONE;
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        "an OkHttp "
            + what
            + " cannot apply to a call on MooringCallFactory; configure the MooringHttpClient"
            + " instead");
  }
}
