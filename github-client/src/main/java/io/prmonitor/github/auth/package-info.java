/**
 * Internal to module io.prmonitor.github (not exported): how the client authenticates (bearer tokens,
 * GitHub App JWTs exchanged for installation tokens, PEM key reading).
 */
package io.prmonitor.github.auth;
