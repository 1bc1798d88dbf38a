package io.prmonitor.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** GitHub's example payloads (test resources) and variants of them, for parser tests. */
public final class Payloads {

  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Payloads() {
  }

  /** A fresh copy of the single item of GitHub's example list answer. */
  public static ObjectNode exampleItem() {
    return (ObjectNode) read("/github-reference/example-pulls-list.json").get(0);
  }

  /** A fresh copy of GitHub's example full pull request. */
  public static ObjectNode examplePullRequest() {
    return (ObjectNode) read("/github-reference/example-pull-request.json");
  }

  /** The example item with {@code number}, {@code id} and {@code updated_at} changed. */
  public static ObjectNode item(int number) {
    ObjectNode item = exampleItem();
    item.put("number", number);
    item.put("id", 1_000_000L + number);
    return item;
  }

  public static byte[] array(List<? extends JsonNode> items) {
    ArrayNode array = MAPPER.createArrayNode();
    array.addAll(items);
    return bytes(array);
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static InputStream stream(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  private static JsonNode read(String resource) {
    try (InputStream in = Payloads.class.getResourceAsStream(resource)) {
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
