/**
 * Internal: enrichment through REST, per pull request, conditional on the entity tags kept with the stored
 * enrichment; and the tally one enrichment call keeps. Not an API.
 */
package io.prmonitor.github.rest;
