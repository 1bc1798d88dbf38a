/**
 * Internal to module io.prmonitor.core (not exported): the synchronization of a pass, which hands out the
 * repositories of the pass and brings each one's stored pull requests up to date with GitHub.
 */
package io.prmonitor.core.sync;
