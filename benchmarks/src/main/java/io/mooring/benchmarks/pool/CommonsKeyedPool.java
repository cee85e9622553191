package io.mooring.benchmarks.pool;

import java.time.Duration;
import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;

/**
 * Apache commons-pool2's {@code GenericKeyedObjectPool} of plain objects: {@code borrowObject(key)}
 * and {@code returnObject(key, object)}, blocking when exhausted, LIFO (the default), no
 * validation, JMX off (so that trials do not collide on the MBean name).
 */
public class CommonsKeyedPool extends PoolState<Object> {
  private GenericKeyedObjectPool<String, Object> pool;

  @Override
  protected void open() {
    GenericKeyedObjectPoolConfig<Object> config = new GenericKeyedObjectPoolConfig<>();
    config.setMaxTotalPerKey(connections);
    config.setMaxIdlePerKey(connections);
    config.setMaxTotal(connections);
    config.setBlockWhenExhausted(true);
    config.setMaxWait(Duration.ofMillis(TIMEOUT_MILLIS));
    config.setJmxEnabled(false);
    pool = new GenericKeyedObjectPool<>(new StubFactory(), config);
  }

  @Override
  protected Object acquire() throws Exception {
    return pool.borrowObject(ROUTE);
  }

  @Override
  protected void release(Object object) {
    pool.returnObject(ROUTE, object);
  }

  @Override
  protected void close() {
    pool.close();
  }

  /** Makes plain objects: a connection without I/O. */
  private static final class StubFactory extends BaseKeyedPooledObjectFactory<String, Object> {
    @Override
    public Object create(String key) {
      return new Object();
    }

    @Override
    public PooledObject<Object> wrap(Object value) {
      return new DefaultPooledObject<>(value);
    }
  }
}
