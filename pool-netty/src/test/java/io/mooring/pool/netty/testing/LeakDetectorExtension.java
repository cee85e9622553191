package io.mooring.pool.netty.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's {@link ResourceLeakDetector} reports a leak. Installs a detector
 * factory that records every report; it must be in place before Netty's buffer classes are
 * initialised, which the static initialiser of this extension ensures as long as every test class
 * that touches Netty uses it. The level is PARANOID (every buffer tracked), as the build sets it.
 */
public final class LeakDetectorExtension implements AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          @SuppressWarnings("deprecation") // abstract in Netty 4.2, so it must be implemented
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            return new Recording<>(resource, samplingInterval);
          }

          @Override
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval) {
            return new Recording<>(resource, samplingInterval);
          }
        });
  }

  @Override
  public void afterAll(ExtensionContext context) {
    collect();
    if (!LEAKS.isEmpty()) {
      List<String> found = List.copyOf(LEAKS);
      LEAKS.clear();
      throw new AssertionError(
          found.size() + " Netty resource leak(s) in " + context.getDisplayName() + ":\n" + found);
    }
  }

  /** Collects garbage and returns (and forgets) the leaks reported so far; for the self-test. */
  static List<String> collectAndDrain() {
    collect();
    List<String> found = List.copyOf(LEAKS);
    LEAKS.clear();
    return found;
  }

  private static void collect() {
    // Leaks are found when collected buffers are polled from the reference queue, which happens
    // on the next tracked allocation: collect, then allocate a few times.
    for (int i = 0; i < 3; i++) {
      System.gc();
      for (int j = 0; j < 16; j++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(16);
        a.release();
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
  }

  private static final class Recording<T> extends ResourceLeakDetector<T> {
    Recording(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add("LEAK " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add("LEAK " + resourceType + " (untraced)");
    }
  }
}
