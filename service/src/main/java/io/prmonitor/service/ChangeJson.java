package io.prmonitor.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.prmonitor.spi.PullRequestChange;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Renders a {@link PullRequestChange} as one line of JSON. */
final class ChangeJson {

  private static final JsonFactory JSON = new JsonFactory();

  private ChangeJson() {
  }

  static String toJson(PullRequestChange change) {
    StringWriter out = new StringWriter(128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("key", change.key());
      json.writeStringField("repository", change.repository().fullName());
      json.writeNumberField("number", change.number());
      json.writeStringField("kind", change.kind().name());
      json.writeStringField("field", change.field());
      json.writeStringField("before", change.before());
      json.writeStringField("after", change.after());
      json.writeStringField("updatedAt", change.updatedAt().toString());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
