/**
 * Mooring for code written against OkHttp's {@code Call} API (Retrofit, SDKs that take an {@code
 * okhttp3.Call.Factory}): {@link io.mooring.okhttp.MooringCallFactory} runs calls on a {@link
 * io.mooring.http.MooringHttpClient}. OkHttp itself is a {@code provided} dependency: bring your
 * own, 4.12 or 5.x.
 */
package io.mooring.okhttp;
