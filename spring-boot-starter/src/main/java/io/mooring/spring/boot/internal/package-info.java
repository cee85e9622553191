/** Implementation of the starter; may change without notice. */
package io.mooring.spring.boot.internal;
