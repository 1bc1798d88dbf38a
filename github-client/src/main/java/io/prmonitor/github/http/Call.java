package io.prmonitor.github.http;

import io.prmonitor.spi.RepositoryId;
import java.net.URI;

/**
 * One GET to make.
 *
 * @param endpoint the route template the listener is told, never a raw path
 * @param uri the URL
 * @param ifNoneMatch the entity tag to send as {@code If-None-Match}, or null
 * @param repository the repository a 404 names, or null
 * @param notFoundIsAnswer whether a 404 is an answer rather than a failure
 */
public record Call(String endpoint, URI uri, String ifNoneMatch, RepositoryId repository, boolean notFoundIsAnswer) {
}
