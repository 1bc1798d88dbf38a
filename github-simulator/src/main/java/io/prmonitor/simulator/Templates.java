package io.prmonitor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the byte templates of the large, shared objects in GitHub payloads (users, repositories, labels,
 * teams, milestones) from GitHub's own example payload, so every field GitHub sends is present with its real
 * size. Built once per object and spliced into every pull request that references it.
 */
final class Templates {

  static final String HTML_BASE = "https://github.com";
  private static final String EXAMPLE_API = "https://api.github.com";

  private final ObjectMapper mapper = new ObjectMapper();
  private final String apiBase;
  private final ObjectNode exampleUser;
  private final ObjectNode exampleRepo;
  private final ObjectNode exampleMilestone;
  private final ObjectNode exampleTeam;

  Templates(String apiBase) {
    this.apiBase = apiBase;
    JsonNode item = readExample("example-pulls-list.json").get(0);
    exampleUser = (ObjectNode) item.get("user");
    exampleRepo = (ObjectNode) item.get("base").get("repo");
    exampleMilestone = (ObjectNode) item.get("milestone");
    exampleTeam = (ObjectNode) item.get("requested_teams").get(0);
  }

  private JsonNode readExample(String name) {
    try (InputStream in = Templates.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String apiBase() {
    return apiBase;
  }

  byte[] user(String login, long id, boolean organization) {
    return bytes(userNode(login, id, organization));
  }

  private ObjectNode userNode(String login, long id, boolean organization) {
    ObjectNode user = exampleUser.deepCopy();
    rewrite(user, Map.of("octocat", login, EXAMPLE_API, apiBase));
    user.put("login", login);
    user.put("id", id);
    user.put("node_id", nodeId(organization ? "O_" : "U_", id));
    user.put("avatar_url", "https://avatars.githubusercontent.com/u/" + id + "?v=4");
    user.put("type", organization ? "Organization" : "User");
    return user;
  }

  /** A full repository object as embedded in {@code head.repo} and {@code base.repo}. */
  byte[] repository(long id, String owner, long ownerId, boolean ownerIsOrganization, String name,
      boolean fork, boolean archived, String defaultBranch, Instant createdAt, Instant pushedAt) {
    ObjectNode repo = exampleRepo.deepCopy();
    String fullName = owner + "/" + name;
    repo.remove("owner");
    rewrite(repo, Map.of("octocat/Hello-World", fullName, EXAMPLE_API, apiBase));
    repo.put("id", id);
    repo.put("node_id", nodeId("R_", id));
    repo.put("name", name);
    repo.put("full_name", fullName);
    repo.set("owner", userNode(owner, ownerId, ownerIsOrganization));
    repo.put("description", fork ? "A fork of " + name : "Simulated repository " + fullName + " — ✓ unicode");
    repo.put("fork", fork);
    repo.put("archived", archived);
    repo.put("default_branch", defaultBranch);
    repo.put("created_at", ByteSink.timestamp(createdAt));
    repo.put("updated_at", ByteSink.timestamp(pushedAt));
    repo.put("pushed_at", ByteSink.timestamp(pushedAt));
    repo.put("mirror_url", (String) null);
    repo.put("temp_clone_token", "");
    repo.put("language", "Java");
    // put owner right after full_name, where GitHub has it
    ObjectNode ordered = mapper.createObjectNode();
    for (Map.Entry<String, JsonNode> field : repo.properties()) {
      if (field.getKey().equals("owner")) {
        continue;
      }
      ordered.set(field.getKey(), field.getValue());
      if (field.getKey().equals("full_name")) {
        ordered.set("owner", repo.get("owner"));
      }
    }
    return bytes(ordered);
  }

  byte[] label(String repoFullName, SimRepository.LabelDef label) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", label.id());
    node.put("node_id", nodeId("LA_", label.id()));
    node.put("url", apiBase + "/repos/" + repoFullName + "/labels/"
        + URLEncoder.encode(label.name(), StandardCharsets.UTF_8).replace("+", "%20"));
    node.put("name", label.name());
    node.put("description", label.description());
    node.put("color", label.color());
    node.put("default", label.isDefault());
    return bytes(node);
  }

  byte[] team(String org, String slug, long id) {
    ObjectNode team = exampleTeam.deepCopy();
    rewrite(team, Map.of(EXAMPLE_API, apiBase));
    team.put("id", id);
    team.put("node_id", nodeId("T_", id));
    team.put("url", apiBase + "/organizations/" + Math.abs(org.hashCode()) + "/team/" + id);
    team.put("html_url", HTML_BASE + "/orgs/" + org + "/teams/" + slug);
    team.put("name", slug.replace('-', ' '));
    team.put("slug", slug);
    team.put("members_url", apiBase + "/organizations/" + Math.abs(org.hashCode()) + "/team/" + id
        + "/members{/member}");
    team.put("repositories_url", apiBase + "/organizations/" + Math.abs(org.hashCode()) + "/team/" + id
        + "/repos");
    return bytes(team);
  }

  byte[] milestone(String repoFullName, int number, long id, String title, byte[] creator, boolean open,
      Instant createdAt) {
    ObjectNode milestone = exampleMilestone.deepCopy();
    rewrite(milestone, Map.of("octocat/Hello-World", repoFullName, EXAMPLE_API, apiBase));
    milestone.put("url", apiBase + "/repos/" + repoFullName + "/milestones/" + number);
    milestone.put("html_url", HTML_BASE + "/" + repoFullName + "/milestone/" + number);
    milestone.put("labels_url", apiBase + "/repos/" + repoFullName + "/milestones/" + number + "/labels");
    milestone.put("id", id);
    milestone.put("node_id", nodeId("MI_", id));
    milestone.put("number", number);
    milestone.put("state", open ? "open" : "closed");
    milestone.put("title", title);
    milestone.put("description", number % 2 == 0 ? null : "Tracking milestone for " + title);
    try {
      milestone.set("creator", mapper.readTree(creator));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    milestone.put("created_at", ByteSink.timestamp(createdAt));
    milestone.put("updated_at", ByteSink.timestamp(createdAt.plusSeconds(86_400)));
    if (open) {
      milestone.putNull("closed_at");
    } else {
      milestone.put("closed_at", ByteSink.timestamp(createdAt.plusSeconds(172_800)));
    }
    milestone.put("due_on", ByteSink.timestamp(createdAt.plusSeconds(30L * 86_400)));
    return bytes(milestone);
  }

  private byte[] bytes(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void rewrite(JsonNode node, Map<String, String> replacements) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (field.getValue().isTextual()) {
          String text = field.getValue().asText();
          for (Map.Entry<String, String> r : replacements.entrySet()) {
            text = text.replace(r.getKey(), r.getValue());
          }
          field.setValue(TextNode.valueOf(text));
        } else {
          rewrite(field.getValue(), replacements);
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(child -> rewrite(child, replacements));
    }
  }

  static String nodeId(String prefix, long id) {
    return prefix + java.util.Base64.getEncoder().withoutPadding()
        .encodeToString(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
  }
}
