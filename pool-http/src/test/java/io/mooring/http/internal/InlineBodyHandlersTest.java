package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InlineBodyHandlersTest {
  @Test
  void onlyTheJdksCollectingHandlersAreFinishedOnTheEventLoop() {
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofString())).isTrue();
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofByteArray())).isTrue();
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.discarding())).isTrue();

    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofString(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofInputStream())).isFalse();
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofLines())).isFalse();
    assertThat(InlineBodyHandlers.isInline(BodyHandlers.ofByteArrayConsumer(b -> {}))).isFalse();
    assertThat(InlineBodyHandlers.isInline(info -> null)).isFalse();
  }
}
