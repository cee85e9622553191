/**
 * Implementation of the Apache HttpClient 5 connection manager: the endpoint Apache executes on,
 * the lease request, and how a connection is opened over a watched socket. Not an API: use {@code
 * io.mooring.apache5}.
 */
package io.mooring.apache5.internal;
