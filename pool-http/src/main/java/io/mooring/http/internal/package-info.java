/**
 * Implementation of {@code io.mooring.http}; not API. Every class here documents which thread calls
 * it: the channel's event loop, the client's executor, or any thread.
 */
package io.mooring.http.internal;
