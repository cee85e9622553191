package io.mooring.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleConnectionsTest {
  private final IdleConnections<Object> idle = new IdleConnections<>();

  private static PooledConnection<Object> idleConnection() {
    PooledConnection<Object> c = new PooledConnection<>(null, 0, Long.MAX_VALUE);
    assertThat(c.cas(PooledConnection.CONNECTING, PooledConnection.IDLE)).isTrue();
    return c;
  }

  private List<PooledConnection<Object>> pushFour() {
    List<PooledConnection<Object>> pushed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      PooledConnection<Object> c = idleConnection();
      idle.push(c);
      pushed.add(c);
    }
    return pushed;
  }

  @Test
  void pollNewestIsLastInFirstOut() {
    List<PooledConnection<Object>> pushed = pushFour();
    for (int i = 3; i >= 0; i--) {
      assertThat(idle.pollNewest()).isSameAs(pushed.get(i));
    }
    assertThat(idle.pollNewest()).isNull();
  }

  @Test
  void pollOldestIsFirstInFirstOut() {
    List<PooledConnection<Object>> pushed = pushFour();
    for (int i = 0; i < 4; i++) {
      assertThat(idle.pollOldest()).isSameAs(pushed.get(i));
    }
    assertThat(idle.pollOldest()).isNull();
  }

  @Test
  void removeFindsTheNewestAndTheOlderOnes() {
    List<PooledConnection<Object>> pushed = pushFour();
    idle.remove(pushed.get(3)); // in the slot
    idle.remove(pushed.get(1)); // in the deque
    idle.remove(idleConnection()); // never there: no effect
    assertThat(idle.pollNewest()).isSameAs(pushed.get(2));
    assertThat(idle.pollNewest()).isSameAs(pushed.get(0));
    assertThat(idle.pollNewest()).isNull();
  }

  @Test
  void evictionOffersWhatWouldBeReusedLastFirstAndDropsClosedOnes() {
    List<PooledConnection<Object>> pushed = pushFour();
    assertThat(pushed.get(0).cas(PooledConnection.IDLE, PooledConnection.CLOSED)).isTrue();

    List<PooledConnection<Object>> lifoOrder = new ArrayList<>();
    assertThat(idle.evictFirst(true, c -> !lifoOrder.add(c))).isFalse();
    assertThat(lifoOrder).containsExactly(pushed.get(1), pushed.get(2), pushed.get(3));

    List<PooledConnection<Object>> fifoOrder = new ArrayList<>();
    assertThat(idle.evictFirst(false, c -> !fifoOrder.add(c))).isFalse();
    assertThat(fifoOrder).containsExactly(pushed.get(3), pushed.get(2), pushed.get(1));

    assertThat(idle.evictFirst(true, c -> c == pushed.get(2))).isTrue();
    // The closed one was unlinked on the way; the rest stay, in order.
    assertThat(idle.pollOldest()).isSameAs(pushed.get(1));
    assertThat(idle.pollOldest()).isSameAs(pushed.get(2));
    assertThat(idle.pollOldest()).isSameAs(pushed.get(3));
    assertThat(idle.pollOldest()).isNull();
  }
}
