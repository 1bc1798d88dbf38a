/**
 * Internal to module io.prmonitor.github (not exported): enrichment through GitHub's GraphQL API: the query
 * builder and streaming reader, the GraphQL budget and points per minute, and the transport with its adaptive
 * batch size.
 */
package io.prmonitor.github.graphql;
