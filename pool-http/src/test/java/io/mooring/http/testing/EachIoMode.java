package io.mooring.http.testing;

import io.mooring.http.IoMode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * Runs every test of the annotated class once per {@link IoMode}. The class declares
 * {@code @Parameter IoMode io} (or takes the mode in its constructor) and builds each of its
 * clients with {@code .io(io)}, so its wire, kernel-table and fault assertions hold for the event
 * loops and for the caller's own thread alike. {@link IoModes} says which modes run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "io={0}")
@ArgumentsSource(IoModes.class)
public @interface EachIoMode {}
