/**
 * Internal to module io.prmonitor.core (not exported): the in-memory store, which keeps everything in the heap
 * and passes the same contract suite as the JDBC store.
 */
package io.prmonitor.core.store;
