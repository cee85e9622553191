package io.mooring.pool.ports;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A System.Logger that keeps what it is given. */
final class RecordingLogger implements System.Logger {
  final List<String> warnings = new CopyOnWriteArrayList<>();

  @Override
  public String getName() {
    return "test";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (level == Level.WARNING) {
      warnings.add(msg);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (level == Level.WARNING) {
      warnings.add(params == null ? format : MessageFormat.format(format, params));
    }
  }
}
