/** Implementation of {@code io.mooring.okhttp}; may change without notice. Not for direct use. */
package io.mooring.okhttp.internal;
