/**
 * Internal to module io.prmonitor.core (not exported): enrichment, the reads of what the pull request list
 * does not show (reviews, CI state, mergeability, comments), and the detection of their changes.
 */
package io.prmonitor.core.enrich;
