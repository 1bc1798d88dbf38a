/**
 * Internal to module io.prmonitor.github (not exported): the HTTP side of the client: the connection one
 * credential's requests share ({@link io.prmonitor.github.http.GitHubConnection}), the exchange every request goes
 * through (body deadline, server-time pacing at the headers), the REST request loop with retries and limits
 * ({@link io.prmonitor.github.http.RequestExecutor}), the classification of answers, and header and body parsing.
 */
package io.prmonitor.github.http;
