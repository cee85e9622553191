package io.mooring.pool.internal;

import static io.mooring.pool.internal.PooledConnection.CLOSED;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/**
 * The idle connections of one destination, most recently idle first: a single slot holding the
 * newest one, in front of a deque holding the rest.
 *
 * <p>In steady state a connection goes back and out again before another one is released, so the
 * slot alone serves it: one atomic exchange each way and no allocation, where a {@link
 * ConcurrentLinkedDeque} allocates a node and unlinks it again (45-58 ns per offer and poll in a
 * plain loop on a 2-core VM, a third of the pool's cycle then). Pushing while the slot is taken
 * moves the older one into the deque, so the order stays exact when nothing runs concurrently.
 *
 * <p>Thread safe and lock-free. Membership is advisory: the caller claims a connection by its
 * state's compare-and-set, so an entry whose connection was closed or claimed meanwhile is skipped
 * and dropped when met; a connection is pushed only after it became idle, so it is never present
 * twice while idle.
 */
final class IdleConnections<C> {
  private static final VarHandle NEWEST;

  static {
    try {
      NEWEST =
          MethodHandles.lookup()
              .findVarHandle(IdleConnections.class, "newest", PooledConnection.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through NEWEST
  private volatile PooledConnection<C> newest;

  /** Older idle connections, newest first. */
  private final ConcurrentLinkedDeque<PooledConnection<C>> older = new ConcurrentLinkedDeque<>();

  /** Adds a connection that just became idle, as the newest. */
  void push(PooledConnection<C> c) {
    @SuppressWarnings("unchecked")
    PooledConnection<C> previous = (PooledConnection<C>) NEWEST.getAndSet(this, c);
    if (previous != null) {
      older.offerFirst(previous);
    }
  }

  /** Removes and returns the newest connection, or null when there is none. */
  PooledConnection<C> pollNewest() {
    @SuppressWarnings("unchecked")
    PooledConnection<C> c = (PooledConnection<C>) NEWEST.getAndSet(this, null);
    return c != null ? c : older.pollFirst();
  }

  /** Removes and returns the connection idle the longest, or null when there is none. */
  @SuppressWarnings("unchecked")
  PooledConnection<C> pollOldest() {
    PooledConnection<C> c = older.pollLast();
    return c != null ? c : (PooledConnection<C>) NEWEST.getAndSet(this, null);
  }

  /** Removes {@code c} if present. */
  void remove(PooledConnection<C> c) {
    if (!NEWEST.compareAndSet(this, c, null)) {
      older.remove(c);
    }
  }

  /**
   * Offers the connections in the order the pool would reuse them last (oldest first under LIFO
   * reuse, newest first under FIFO) to {@code evict} until it returns true; returns whether it did.
   * Closed connections met on the way are dropped.
   */
  boolean evictFirst(boolean lifo, Predicate<PooledConnection<C>> evict) {
    if (!lifo && offer(newest, evict)) {
      return true;
    }
    Iterator<PooledConnection<C>> it = lifo ? older.descendingIterator() : older.iterator();
    while (it.hasNext()) {
      PooledConnection<C> c = it.next();
      if (c.state() == CLOSED) {
        it.remove(); // pushed back while the peer closed it
      } else if (evict.test(c)) {
        return true;
      }
    }
    return lifo && offer(newest, evict);
  }

  private static <C> boolean offer(PooledConnection<C> c, Predicate<PooledConnection<C>> evict) {
    return c != null && c.state() != CLOSED && evict.test(c);
  }
}
