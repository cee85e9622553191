/**
 * Implementation of the blocking-socket transport: the watcher's selector loop and the state of
 * each pooled socket. Not an API: use {@code io.mooring.pool.socket}.
 */
package io.mooring.pool.socket.internal;
