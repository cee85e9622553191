package io.mooring.http.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.mooring.http.IoMode;
import io.mooring.pool.PoolSettings;
import io.mooring.pool.netty.NettySettings;
import io.mooring.pool.ports.PortMonitor;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Everything a client was built with. Immutable and thread safe; nullable fields mean "not set".
 *
 * @param poolSettings the pool's settings
 * @param nettySettings socket and TLS settings, connect timeout included
 * @param meterRegistry where meters go, or null
 * @param sslContext the user's TLS context, or null for the JDK's default trust
 * @param sslParameters the user's TLS parameters (protocols, cipher suites), or null
 * @param cookieHandler the cookie handler, or null
 * @param authenticator the authenticator for basic authentication, or null
 * @param redirect the redirect policy
 * @param maxResponseHeaderSize limit of the status line plus headers, in bytes
 * @param maxResponseBodySize limit of a response body in bytes; {@code Long.MAX_VALUE} for none
 * @param uriTag maps a request to the low-cardinality {@code uri} tag of the request timer
 * @param requestMetrics whether the client records the {@code http.client.requests} timer
 * @param portMonitor the kernel port monitor giving the pool its port back-pressure, or null
 * @param io which threads do the socket I/O
 */
public record ClientConfig(
    PoolSettings poolSettings,
    NettySettings nettySettings,
    MeterRegistry meterRegistry,
    SSLContext sslContext,
    SSLParameters sslParameters,
    CookieHandler cookieHandler,
    Authenticator authenticator,
    HttpClient.Redirect redirect,
    int maxResponseHeaderSize,
    long maxResponseBodySize,
    Function<HttpRequest, String> uriTag,
    boolean requestMetrics,
    PortMonitor portMonitor,
    IoMode io) {}
