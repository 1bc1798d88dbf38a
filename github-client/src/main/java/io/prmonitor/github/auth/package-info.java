/**
 * Internal: how the client authenticates (bearer tokens, GitHub App JWTs exchanged for installation
 * tokens, PEM key reading). Not an API.
 */
package io.prmonitor.github.auth;
