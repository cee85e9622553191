package io.mooring.http.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mooring.pool.Destination;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The client's meters: the {@code http.client.requests} timer (Micrometer's HTTP client convention:
 * {@code method}, {@code uri}, {@code status}, {@code outcome}, {@code exception}, {@code
 * client.name}), unless turned off (a framework that times the requests itself), and the {@code
 * mooring.http.retries} counter. Does nothing without a registry. Thread safe.
 */
public final class HttpMetrics {
  /** Name of the request timer. */
  public static final String REQUESTS = "http.client.requests";

  /** Name of the retry counter. */
  public static final String RETRIES = "mooring.http.retries";

  private final MeterRegistry registry;
  private final Function<HttpRequest, String> uriTag;
  private final String pool;
  private final boolean requests;

  HttpMetrics(
      MeterRegistry registry, Function<HttpRequest, String> uriTag, String pool, boolean requests) {
    this.registry = registry;
    this.uriTag = uriTag;
    this.pool = pool;
    this.requests = requests;
  }

  /** Records one request: {@code status} is the final status, or -1 when it failed. */
  void record(HttpRequest request, int status, Throwable error, long nanos) {
    if (registry == null || !requests) {
      return;
    }
    String uri;
    try {
      uri = uriTag.apply(request);
    } catch (RuntimeException e) {
      uri = "UNKNOWN";
    }
    Timer.builder(REQUESTS)
        .description("HTTP requests sent by the Mooring client")
        .tag("method", request.method())
        .tag("uri", uri == null ? "UNKNOWN" : uri)
        .tag("status", status < 0 ? "IO_ERROR" : Integer.toString(status))
        .tag("outcome", outcome(status))
        .tag("exception", error == null ? "none" : error.getClass().getSimpleName())
        .tag("client.name", request.uri().getHost() == null ? "none" : request.uri().getHost())
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one retry of a request toward {@code destination}. */
  void retried(Destination destination) {
    if (registry == null) {
      return;
    }
    Counter.builder(RETRIES)
        .description("requests sent again after a reused connection failed before any response")
        .tag("destination", destination.authority())
        .tag("pool", pool)
        .register(registry)
        .increment();
  }

  /**
   * Counts a reconnect after a refused connect on the caller-thread path, where the client, not the
   * pool, retries: the same counter as the pool's own reconnect loop.
   */
  void connectRetried(Destination destination) {
    if (registry == null) {
      return;
    }
    Counter.builder("mooring.connections.connect.retries")
        .tag("pool", pool)
        .tag("destination", destination.authority())
        .baseUnit("attempts")
        .description("Reconnect attempts after refused connects, within the retry budget")
        .register(registry)
        .increment();
  }

  /** Micrometer's outcome for a status code. */
  static String outcome(int status) {
    if (status >= 100 && status < 200) {
      return "INFORMATIONAL";
    } else if (status >= 200 && status < 300) {
      return "SUCCESS";
    } else if (status >= 300 && status < 400) {
      return "REDIRECTION";
    } else if (status >= 400 && status < 500) {
      return "CLIENT_ERROR";
    } else if (status >= 500 && status < 600) {
      return "SERVER_ERROR";
    }
    return "UNKNOWN";
  }
}
