/**
 * Internal to module io.prmonitor.github (not exported): streaming readers of GitHub's JSON answers, which
 * keep only the tracked fields and guard against hostile payloads.
 */
package io.prmonitor.github.json;
