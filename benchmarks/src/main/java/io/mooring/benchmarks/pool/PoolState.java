package io.mooring.benchmarks.pool;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One pool under test, shared by every benchmark thread: the setup common to all peers. A subclass
 * builds its pool with {@link #connections} objects for one key (route, destination), says how to
 * acquire and release one, and how to close the pool; this class fills the pool before measuring,
 * so that every measured cycle leases an object that is already there (no connect on the measured
 * path), and checks afterwards that every object went back.
 *
 * @param <H> what an acquire returns and a release takes: a lease, an entry, a channel
 */
@State(Scope.Benchmark)
public abstract class PoolState<H> {
  /** The one key every peer pools under. */
  static final String ROUTE = "http://localhost:8080";

  /** How long any acquire may wait; never reached in a healthy run. */
  static final long TIMEOUT_MILLIS = 10_000;

  /**
   * Pooled objects for the one key. With 4 threads, 2 makes acquirers wait for each other (the
   * waiter hand-off is measured); 8 measures contention on the pool's structure alone.
   */
  @Param({"2", "8"})
  public int connections;

  /** Builds the pool under test, empty or full; called once per trial. */
  protected abstract void open() throws Exception;

  /** Leases one pooled object, waiting if none is free. */
  protected abstract H acquire() throws Exception;

  /** Gives back what {@link #acquire} returned, for reuse. */
  protected abstract void release(H handle) throws Exception;

  /** Closes the pool and whatever it holds. */
  protected abstract void close() throws Exception;

  /** The measured cycle: lease one object and give it back. Returns the handle, for a Blackhole. */
  public final H cycle() throws Exception {
    H handle = acquire();
    release(handle);
    return handle;
  }

  /** Builds the pool and makes it hold {@link #connections} idle objects. */
  @Setup(Level.Trial)
  public final void setUp() throws Exception {
    open();
    fill();
  }

  /** Fills the pool to {@link #connections} and checks that it serves them again. */
  private void fill() throws Exception {
    @SuppressWarnings("unchecked")
    H[] held = (H[]) new Object[connections];
    for (int i = 0; i < connections; i++) {
      held[i] = acquire();
    }
    for (H h : held) {
      release(h);
    }
  }

  /** Checks that nothing leaked (every object can be leased at once) and closes the pool. */
  @TearDown(Level.Trial)
  public final void tearDown() throws Exception {
    try {
      fill();
    } finally {
      close();
    }
  }
}
