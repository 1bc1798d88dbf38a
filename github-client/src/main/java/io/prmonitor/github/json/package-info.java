/**
 * Internal: streaming readers of GitHub's JSON answers, which keep only the tracked fields and guard
 * against hostile payloads. Not an API.
 */
package io.prmonitor.github.json;
