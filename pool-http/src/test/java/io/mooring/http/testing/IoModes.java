package io.mooring.http.testing;

import io.mooring.http.IoMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * The {@link IoMode}s {@link EachIoMode} runs: every mode, or those named in the system property
 * {@value #PROPERTY} (comma-separated, e.g. {@code -Dmooring.test.io=EVENT_LOOP}), so that a CI run
 * which varies only what one mode depends on (the Netty 4.1 run: event loops) does not repeat the
 * other mode's tests.
 */
public final class IoModes implements ArgumentsProvider {
  /** The system property naming the modes to run. */
  public static final String PROPERTY = "mooring.test.io";

  @Override
  public Stream<? extends Arguments> provideArguments(
      ParameterDeclarations parameters, ExtensionContext context) {
    return selected().map(Arguments::of);
  }

  /** The modes to run: all unless {@value #PROPERTY} names some. */
  public static Stream<IoMode> selected() {
    String names = System.getProperty(PROPERTY, "").trim();
    if (names.isEmpty()) {
      return Arrays.stream(IoMode.values());
    }
    return Arrays.stream(names.split(","))
        .map(n -> IoMode.valueOf(n.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
  }
}
