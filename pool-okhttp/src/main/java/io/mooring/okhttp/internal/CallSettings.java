package io.mooring.okhttp.internal;

import io.mooring.http.MooringHttpClient;
import java.util.List;
import java.util.concurrent.Executor;
import okhttp3.Interceptor;

/**
 * What every call of one factory shares. Immutable and thread safe.
 *
 * @param client the client calls run on (owned by the user)
 * @param interceptors application interceptors, in order (an immutable list)
 * @param executor where enqueued calls and streamed request bodies run
 * @param callTimeoutNanos the default call timeout of new calls; zero means none
 */
public record CallSettings(
    MooringHttpClient client,
    List<Interceptor> interceptors,
    Executor executor,
    long callTimeoutNanos) {}
