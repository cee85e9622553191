/**
 * Mooring for Apache HttpClient 5 classic: {@link io.mooring.apache5.MooringConnectionManager}, an
 * {@code HttpClientConnectionManager} on the Mooring pool. One line changes:
 *
 * <pre>{@code
 * CloseableHttpClient client = HttpClients.custom()
 *     .setConnectionManager(MooringConnectionManager.builder().build())
 *     .build();
 * }</pre>
 *
 * <p>Everything else of Apache (request execution, retries, redirects, authentication,
 * interceptors, cookies, TLS strategy and hostname verification) runs unchanged on Apache's own
 * connection objects; what changes is who closes connections, and when.
 */
package io.mooring.apache5;
