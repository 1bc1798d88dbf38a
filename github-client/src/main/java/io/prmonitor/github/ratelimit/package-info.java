/**
 * Internal to module io.prmonitor.github (not exported): the client's politeness machinery: primary budget
 * with a reserve, the shared secondary-limit gate, server-time pacing, retry backoff, and the injectable
 * time sources they wait with.
 */
package io.prmonitor.github.ratelimit;
