/**
 * Internal: the client's politeness machinery: primary budget with a reserve, the shared
 * secondary-limit gate, server-time pacing, retry backoff, and the injectable time sources they wait
 * with. Not an API.
 */
package io.prmonitor.github.ratelimit;
