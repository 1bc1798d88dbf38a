package io.prmonitor.github.http;

import java.io.IOException;
import java.io.InputStream;

/** Parses a decoded, size-limited response body. */
@FunctionalInterface
public interface BodyReader<T> {
  T read(InputStream in) throws IOException;
}
