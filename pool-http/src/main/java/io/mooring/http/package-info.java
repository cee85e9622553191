/**
 * Mooring's HTTP/1.1 client: {@link io.mooring.http.MooringHttpClient}, a {@link
 * java.net.http.HttpClient} on the Mooring connection pool, and {@link
 * io.mooring.http.MooringUrlStreamHandlerFactory}, which runs existing {@link
 * java.net.HttpURLConnection} code on the same pool.
 *
 * <p>Only this package is public API; {@code io.mooring.http.internal} may change at any time.
 */
package io.mooring.http;
