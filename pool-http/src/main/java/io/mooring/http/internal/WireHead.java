package io.mooring.http.internal;

import java.net.http.HttpHeaders;

/**
 * A parsed response head, as read by {@link ResponseHeadReader} from a blocking connection.
 * Immutable and thread safe.
 *
 * @param statusCode the three-digit status code (100 to 999)
 * @param reasonPhrase the reason phrase, trimmed; empty when the server sent none
 * @param http10 whether the status line said HTTP/1.0 (else HTTP/1.1)
 * @param headers the header fields, names case-insensitive, values trimmed of whitespace
 */
record WireHead(int statusCode, String reasonPhrase, boolean http10, HttpHeaders headers) {}
