package io.mooring.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodyReplayTest {
  private static final URI U = URI.create("http://h/");

  @Test
  void jdkPublishersThatReplay(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    assertThat(BodyReplay.replayable(BodyPublishers.ofString("a"))).isTrue();
    assertThat(BodyReplay.replayable(BodyPublishers.ofByteArray(new byte[1]))).isTrue();
    assertThat(BodyReplay.replayable(BodyPublishers.ofFile(f))).isTrue();
    assertThat(BodyReplay.replayable(BodyPublishers.noBody())).isTrue();
    assertThat(
            BodyReplay.replayable(
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1]))))
        .isFalse();
  }

  @Test
  void retryAfterWriteNeedsIdempotentMethodAndReplayableBody() {
    assertThat(BodyReplay.retryableAfterWrite(HttpRequest.newBuilder(U).build())).isTrue();
    assertThat(
            BodyReplay.retryableAfterWrite(
                HttpRequest.newBuilder(U).PUT(BodyPublishers.ofString("a")).build()))
        .isTrue();
    assertThat(
            BodyReplay.retryableAfterWrite(
                HttpRequest.newBuilder(U).POST(BodyPublishers.ofString("a")).build()))
        .isFalse();
    assertThat(
            BodyReplay.retryableAfterWrite(
                HttpRequest.newBuilder(U)
                    .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[1])))
                    .build()))
        .isFalse();
  }
}
