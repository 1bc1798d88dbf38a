package io.prmonitor.core.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** GitHub-shaped deliveries for the receiver's tests: payloads trimmed from GitHub's examples, and headers. */
final class Deliveries {

  private Deliveries() {
  }

  static String repository(String fullName) {
    String[] parts = fullName.split("/");
    return "\"repository\":{\"id\":186853002,\"node_id\":\"MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=\",\"name\":\"" + parts[1]
        + "\",\"full_name\":\"" + fullName + "\",\"private\":false,\"owner\":{\"login\":\"" + parts[0]
        + "\",\"id\":21031067,\"type\":\"User\"},\"html_url\":\"https://github.com/" + fullName + "\"}";
  }

  static String sender() {
    return "\"sender\":{\"login\":\"Codertocat\",\"id\":21031067,\"type\":\"User\",\"site_admin\":false}";
  }

  static String pullRequest(String fullName, int number, String updatedAt, String headSha) {
    return "{\"action\":\"synchronize\",\"number\":" + number + ",\"pull_request\":{\"url\":\"https://api.github.com/repos/"
        + fullName + "/pulls/" + number + "\",\"id\":279147437,\"number\":" + number
        + ",\"state\":\"open\",\"locked\":false,\"title\":\"Update the README with new information.\","
        + "\"user\":{\"login\":\"Codertocat\",\"id\":21031067},\"body\":\"This is a pretty simple change.\","
        + "\"labels\":[{\"id\":1362934389,\"name\":\"bug\",\"color\":\"d73a4a\"}],"
        + "\"created_at\":\"2019-05-15T15:20:33Z\",\"updated_at\":\"" + updatedAt + "\",\"closed_at\":null,"
        + "\"merged_at\":null,\"head\":{\"label\":\"Codertocat:changes\",\"ref\":\"changes\",\"sha\":\"" + headSha
        + "\",\"repo\":{\"full_name\":\"" + fullName + "\"}},\"base\":{\"ref\":\"master\",\"sha\":"
        + "\"f95f852bd8fca8fcc58a9a2d6c842781e32a215e\"}},\"before\":\"6113728f27ae82c7b1a177c8d03f9e96e0adf246\","
        + "\"after\":\"" + headSha + "\"," + repository(fullName) + "," + sender() + "}";
  }

  static String issueComment(String fullName, int number, boolean onPullRequest) {
    return "{\"action\":\"created\",\"issue\":{\"url\":\"https://api.github.com/repos/" + fullName + "/issues/" + number
        + "\",\"number\":" + number + ",\"title\":\"Spelling error in the README file\",\"state\":\"open\""
        + (onPullRequest ? ",\"pull_request\":{\"url\":\"https://api.github.com/repos/" + fullName + "/pulls/" + number
            + "\"}" : "")
        + "},\"comment\":{\"id\":492700400,\"body\":\"You are totally right! I'll get this fixed right away.\"},"
        + repository(fullName) + "," + sender() + "}";
  }

  static String checkRun(String fullName, int... numbers) {
    StringBuilder prs = new StringBuilder();
    for (int number : numbers) {
      prs.append(prs.isEmpty() ? "" : ",").append("{\"url\":\"https://api.github.com/repos/").append(fullName)
          .append("/pulls/").append(number).append("\",\"id\":279147437,\"number\":").append(number)
          .append(",\"head\":{\"ref\":\"changes\",\"sha\":\"ec26c3e57ca3a959ca5aad62de7213c562f8c821\"}}");
    }
    return "{\"action\":\"completed\",\"check_run\":{\"id\":128620228,\"head_sha\":\"ec26c3e57ca3a959ca5aad62de7213c562f8c821\","
        + "\"status\":\"completed\",\"conclusion\":\"success\",\"name\":\"Octocoders-linter\",\"check_suite\":{\"id\":118578147,"
        + "\"pull_requests\":[" + prs + "]},\"pull_requests\":[" + prs + "]}," + repository(fullName) + ","
        + sender() + "}";
  }

  static String status(String fullName) {
    return "{\"id\":6805126730,\"sha\":\"6113728f27ae82c7b1a177c8d03f9e96e0adf246\",\"name\":\"" + fullName
        + "\",\"target_url\":null,\"context\":\"default\",\"description\":null,\"state\":\"success\","
        + "\"branches\":[{\"name\":\"master\"}],\"created_at\":\"2019-05-15T15:20:55+00:00\"," + repository(fullName)
        + "," + sender() + "}";
  }

  static String ping() {
    return "{\"zen\":\"Anything added dilutes everything else.\",\"hook_id\":109948940,\"hook\":{\"type\":\"Repository\","
        + "\"id\":109948940,\"active\":true,\"events\":[\"pull_request\"],\"config\":{\"content_type\":\"json\","
        + "\"insecure_ssl\":\"0\",\"secret\":\"********\"}}," + sender() + "}";
  }

  /** Headers of a delivery signed with {@code secret} (none when null). */
  static Function<String, String> headers(String event, String delivery, byte[] body, String secret) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", delivery);
    headers.put("X-GitHub-Hook-ID", "109948940");
    headers.put("User-Agent", "GitHub-Hookshot/044aadd");
    headers.put("Content-Type", "application/json");
    headers.put("Content-Length", Integer.toString(body.length));
    if (secret != null) {
      headers.put("X-Hub-Signature-256", Signatures.sign(secret, body));
    }
    return headers::get;
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
