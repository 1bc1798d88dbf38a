package io.prmonitor.simulator;

/**
 * The route templates of REST paths, with GitHub's parameter names ({@code /repos/{owner}/{repo}/pulls}), as the
 * stats count requests. Not instantiable.
 */
final class RouteTemplates {

  private RouteTemplates() {}

  /** The route template of a path, for stats; GitHub's parameter names. */
  static String of(String[] s) {
    if (s.length == 1 && s[0].equals("rate_limit")) {
      return "/rate_limit";
    }
    if (s.length >= 3 && s[0].equals("repos")) {
      return "/repos/{owner}/{repo}" + repoTemplate(s, 3);
    }
    if (s.length >= 2 && s[0].equals("repositories")) {
      return "/repositories/{repository_id}" + repoTemplate(s, 2);
    }
    if (s.length == 3 && s[0].equals("orgs") && s[2].equals("repos")) {
      return "/orgs/{org}/repos";
    }
    if (s.length == 3 && s[0].equals("users") && s[2].equals("repos")) {
      return "/users/{username}/repos";
    }
    if (s.length == 2 && s[0].equals("installation") && s[1].equals("repositories")) {
      return "/installation/repositories";
    }
    if (s.length == 4 && s[0].equals("app") && s[1].equals("installations") && s[3].equals("access_tokens")) {
      return "/app/installations/{installation_id}/access_tokens";
    }
    return "/{unknown}";
  }

  private static String repoTemplate(String[] s, int from) {
    int rest = s.length - from;
    if (rest == 0) {
      return "";
    }
    if (s[from].equals("pulls")) {
      if (rest == 1) {
        return "/pulls";
      }
      if (rest == 2) {
        return "/pulls/{pull_number}";
      }
      if (rest == 3 && s[from + 2].equals("reviews")) {
        return "/pulls/{pull_number}/reviews";
      }
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("status")) {
      return "/commits/{ref}/status";
    }
    if (s[from].equals("commits") && rest >= 3 && s[s.length - 1].equals("check-runs")) {
      return "/commits/{ref}/check-runs";
    }
    return "/{unknown}";
  }
}
