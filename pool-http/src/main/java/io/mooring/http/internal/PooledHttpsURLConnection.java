package io.mooring.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.URL;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * {@link HttpsURLConnection} on the Mooring pool: every call that sets or reads the request or the
 * response goes to a {@link PooledHttpURLConnection} (a setting this class kept itself would be
 * silently ignored); the TLS details come from the pooled connection's session. TLS trust and
 * hostname verification are the client's ({@code sslContext}); a per-connection {@code
 * SSLSocketFactory} or {@code HostnameVerifier} is not consulted.
 *
 * <p>Not thread safe, like the JDK's.
 */
public class PooledHttpsURLConnection extends HttpsURLConnection {
  private final PooledHttpURLConnection delegate;

  /** A connection to {@code url} through {@code engine}. */
  public PooledHttpsURLConnection(URL url, HttpEngine engine) {
    super(url);
    this.delegate = new PooledHttpURLConnection(url, engine);
  }

  private SSLSession session() throws SSLPeerUnverifiedException {
    SSLSession s = delegate.sslSession();
    if (s == null) {
      throw new IllegalStateException("not connected yet");
    }
    return s;
  }

  @Override
  public String getCipherSuite() {
    try {
      return session().getCipherSuite();
    } catch (SSLPeerUnverifiedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Certificate[] getLocalCertificates() {
    try {
      return session().getLocalCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Certificate[] getServerCertificates() throws SSLPeerUnverifiedException {
    return session().getPeerCertificates();
  }

  @Override
  public void connect() {
    delegate.connect();
  }

  @Override
  public void disconnect() {
    delegate.disconnect();
  }

  @Override
  public boolean usingProxy() {
    return false;
  }

  @Override
  public void setRequestMethod(String method) throws ProtocolException {
    delegate.setRequestMethod(method);
  }

  @Override
  public String getRequestMethod() {
    return delegate.getRequestMethod();
  }

  @Override
  public void setDoOutput(boolean on) {
    delegate.setDoOutput(on);
  }

  @Override
  public boolean getDoOutput() {
    return delegate.getDoOutput();
  }

  @Override
  public void setDoInput(boolean on) {
    delegate.setDoInput(on);
  }

  @Override
  public boolean getDoInput() {
    return delegate.getDoInput();
  }

  @Override
  public void setUseCaches(boolean on) {
    delegate.setUseCaches(on);
  }

  @Override
  public boolean getUseCaches() {
    return delegate.getUseCaches();
  }

  @Override
  public void setIfModifiedSince(long ifModifiedSince) {
    delegate.setIfModifiedSince(ifModifiedSince);
  }

  @Override
  public long getIfModifiedSince() {
    return delegate.getIfModifiedSince();
  }

  @Override
  public void setAllowUserInteraction(boolean allow) {
    delegate.setAllowUserInteraction(allow);
  }

  @Override
  public boolean getAllowUserInteraction() {
    return delegate.getAllowUserInteraction();
  }

  /** The URL, which after a followed redirect is where the redirect ended, as the JDK's. */
  @Override
  public URL getURL() {
    return delegate.getURL();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  @Override
  public void setConnectTimeout(int timeout) {
    delegate.setConnectTimeout(timeout);
  }

  @Override
  public int getConnectTimeout() {
    return delegate.getConnectTimeout();
  }

  @Override
  public void setReadTimeout(int timeout) {
    delegate.setReadTimeout(timeout);
  }

  @Override
  public int getReadTimeout() {
    return delegate.getReadTimeout();
  }

  @Override
  public void setInstanceFollowRedirects(boolean follow) {
    delegate.setInstanceFollowRedirects(follow);
  }

  @Override
  public boolean getInstanceFollowRedirects() {
    return delegate.getInstanceFollowRedirects();
  }

  @Override
  public void setFixedLengthStreamingMode(int length) {
    delegate.setFixedLengthStreamingMode(length);
  }

  @Override
  public void setFixedLengthStreamingMode(long length) {
    delegate.setFixedLengthStreamingMode(length);
  }

  @Override
  public void setChunkedStreamingMode(int chunk) {
    delegate.setChunkedStreamingMode(chunk);
  }

  @Override
  public void setRequestProperty(String key, String value) {
    delegate.setRequestProperty(key, value);
  }

  @Override
  public void addRequestProperty(String key, String value) {
    delegate.addRequestProperty(key, value);
  }

  @Override
  public String getRequestProperty(String key) {
    return delegate.getRequestProperty(key);
  }

  @Override
  public Map<String, List<String>> getRequestProperties() {
    return delegate.getRequestProperties();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return delegate.getOutputStream();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return delegate.getInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return delegate.getErrorStream();
  }

  @Override
  public int getResponseCode() throws IOException {
    return delegate.getResponseCode();
  }

  @Override
  public String getResponseMessage() throws IOException {
    return delegate.getResponseMessage();
  }

  @Override
  public String getHeaderField(String name) {
    return delegate.getHeaderField(name);
  }

  @Override
  public String getHeaderField(int n) {
    return delegate.getHeaderField(n);
  }

  @Override
  public String getHeaderFieldKey(int n) {
    return delegate.getHeaderFieldKey(n);
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    return delegate.getHeaderFields();
  }
}
