/**
 * Internal to module io.prmonitor.github (not exported): enrichment through REST, per pull request, conditional
 * on the entity tags kept with the stored enrichment; and the tally one enrichment call keeps.
 */
package io.prmonitor.github.rest;
