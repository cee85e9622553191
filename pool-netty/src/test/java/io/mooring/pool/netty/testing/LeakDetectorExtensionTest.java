package io.mooring.pool.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the leak check can fail: a buffer dropped unreleased is reported. */
@ExtendWith(LeakDetectorExtension.class)
class LeakDetectorExtensionTest {

  @Test
  void aDroppedBufferIsReported() {
    leak();
    assertThat(LeakDetectorExtension.collectAndDrain())
        .anySatisfy(report -> assertThat(report).startsWith("LEAK "));
  }

  private static void leak() {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(8);
    b.writeLong(42);
    // dropped without release()
  }
}
