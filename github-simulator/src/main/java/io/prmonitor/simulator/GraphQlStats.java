package io.prmonitor.simulator;

/**
 * An immutable snapshot of what the simulator's GraphQL endpoint ({@code POST /graphql}) has served since it
 * started or since {@link GitHubSimulator#resetStats()}. None of it is counted in {@link SimulatorStats}.
 *
 * @param queries every request to {@code /graphql}, answered or refused
 * @param points primary-budget points charged (a query's cost; also charged for a query that timed out)
 * @param pullRequests pull requests the answered queries read
 * @param rateLimited queries refused because the token's GraphQL budget could not pay their cost
 * @param secondaryLimited queries refused by a secondary limit (points per minute, or server time)
 * @param timeouts queries answered {@code 502} because their server-time estimate passed the timeout
 * @param errors queries answered with GraphQL errors (parse, validation, pagination, not found)
 * @param serverTimeMillis summed time from a query's arrival to its answer, latency included
 */
public record GraphQlStats(long queries, long points, long pullRequests, long rateLimited, long secondaryLimited,
    long timeouts, long errors, long serverTimeMillis) {}
