package io.mooring.benchmarks.pool;

import com.zaxxer.hikari.util.ConcurrentBag;
import com.zaxxer.hikari.util.ConcurrentBag.IConcurrentBagEntry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * HikariCP's {@code ConcurrentBag}, the lock-free structure under HikariCP's connection pool, with
 * stub entries: {@code borrow(timeout)} and {@code requite}. It is a bag only: no keys, no limits
 * beyond the entries added, no lifetimes; the pool around it (HikariPool) adds those. The bag is
 * filled up front, so its "add an item" callback never has work to do.
 */
public class HikariBag extends PoolState<HikariBag.Entry> {
  private ConcurrentBag<Entry> bag;

  @Override
  protected void open() {
    bag = new ConcurrentBag<>(waiting -> {});
    for (int i = 0; i < connections; i++) {
      bag.add(new Entry());
    }
  }

  @Override
  protected Entry acquire() throws InterruptedException {
    Entry e = bag.borrow(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new IllegalStateException("ConcurrentBag.borrow timed out");
    }
    return e;
  }

  @Override
  protected void release(Entry entry) {
    bag.requite(entry);
  }

  @Override
  protected void close() {
    bag.close();
  }

  /** A bag entry with nothing but its state, the way HikariCP's PoolEntry keeps it. */
  public static final class Entry implements IConcurrentBagEntry {
    private static final AtomicIntegerFieldUpdater<Entry> STATE =
        AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

    private volatile int state;

    @Override
    public boolean compareAndSet(int expect, int update) {
      return STATE.compareAndSet(this, expect, update);
    }

    @Override
    public void setState(int update) {
      STATE.set(this, update);
    }

    @Override
    public int getState() {
      return state;
    }
  }
}
