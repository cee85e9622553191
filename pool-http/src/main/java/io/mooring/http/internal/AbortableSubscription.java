package io.mooring.http.internal;

import java.io.IOException;
import java.util.concurrent.Flow;

/**
 * A response body subscription that can also end the exchange with an error: where {@link
 * #cancel()} lets the exchange drain the rest of the body to keep the connection, {@link
 * #abort(IOException)} gives the connection up at once (RST), for a body that can no longer be read
 * in step (a read timed out). Thread safe.
 */
interface AbortableSubscription extends Flow.Subscription {
  /** Stops the body and aborts its connection; {@code cause} says why. Idempotent, any thread. */
  void abort(IOException cause);
}
