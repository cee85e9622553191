package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mooring.pool.Destination;
import io.mooring.pool.Lease;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepAliveHintsTest {
  /** Records what the protocol told the lease. */
  static final class RecordingLease implements Lease<Object> {
    final List<String> calls = new ArrayList<>();

    @Override
    public Object connection() {
      return null;
    }

    @Override
    public Destination destination() {
      return Destination.of("http", "h", 80);
    }

    @Override
    public boolean isLastUse() {
      return false;
    }

    @Override
    public void retire() {
      calls.add("retire");
    }

    @Override
    public void peerWillClose() {
      calls.add("peerWillClose");
    }

    @Override
    public void serverIdleTimeout(Duration timeout) {
      calls.add("timeout=" + timeout.toSeconds());
    }

    @Override
    public void remainingRequests(int remaining) {
      calls.add("max=" + remaining);
    }

    @Override
    public void fail(Throwable cause) {
      calls.add("fail");
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  private static HttpResponse response(HttpVersion v, String... headers) {
    HttpResponse r = new DefaultHttpResponse(v, HttpResponseStatus.OK);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void connectionCloseMeansThePeerCloses() {
    RecordingLease l = new RecordingLease();
    KeepAliveHints.apply(response(HttpVersion.HTTP_1_1, "Connection", "Close"), l);
    assertThat(l.calls).containsExactly("peerWillClose");
  }

  @Test
  void http10WithoutKeepAliveMeansThePeerCloses() {
    RecordingLease l = new RecordingLease();
    KeepAliveHints.apply(response(HttpVersion.HTTP_1_0), l);
    assertThat(l.calls).containsExactly("peerWillClose");
    RecordingLease k = new RecordingLease();
    KeepAliveHints.apply(response(HttpVersion.HTTP_1_0, "Connection", "keep-alive"), k);
    assertThat(k.calls).isEmpty();
  }

  @Test
  void keepAliveTimeoutAndMaxArePassedOn() {
    RecordingLease l = new RecordingLease();
    KeepAliveHints.apply(response(HttpVersion.HTTP_1_1, "Keep-Alive", "timeout=5, max=99"), l);
    assertThat(l.calls).containsExactly("timeout=5", "max=99");
    RecordingLease bad = new RecordingLease();
    KeepAliveHints.apply(response(HttpVersion.HTTP_1_1, "Keep-Alive", "timeout=x, max"), bad);
    assertThat(bad.calls).isEmpty();
  }

  private static java.net.http.HttpHeaders jdk(String... nameValues) {
    java.util.Map<String, List<String>> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      m.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
    }
    return java.net.http.HttpHeaders.of(m, (a, b) -> true);
  }

  @Test
  void theCallerThreadPathReadsTheSameHintsFromJdkHeaders() {
    assertThat(KeepAliveHints.serverWillClose(false, jdk("Connection", "Close"))).isTrue();
    assertThat(KeepAliveHints.serverWillClose(false, jdk("Connection", " upgrade ,  close")))
        .isTrue();
    assertThat(KeepAliveHints.serverWillClose(false, jdk("Connection", "closed"))).isFalse();
    assertThat(KeepAliveHints.serverWillClose(false, jdk("Connection", "keep-alive"))).isFalse();
    assertThat(KeepAliveHints.serverWillClose(true, jdk())).isTrue();
    assertThat(KeepAliveHints.serverWillClose(true, jdk("Connection", "Keep-Alive"))).isFalse();
    assertThat(KeepAliveHints.serverWillClose(true, jdk("Connection", "te, keep-alive, close")))
        .isTrue();
    RecordingLease l = new RecordingLease();
    KeepAliveHints.apply(false, jdk("Keep-Alive", "timeout=5, max=99"), l);
    assertThat(l.calls).containsExactly("timeout=5", "max=99");
    RecordingLease c = new RecordingLease();
    KeepAliveHints.apply(false, jdk("Connection", "close", "Keep-Alive", "timeout=5"), c);
    assertThat(c.calls).containsExactly("peerWillClose");
  }
}
