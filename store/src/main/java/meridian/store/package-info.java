/**
 * Users, events and durable per-user aggregates in a relational database: PostgreSQL in production, an
 * embedded H2 file ({@code ./data/meridian}) as the zero-setup default, with the same SQL on both.
 *
 * <p>Entry point: {@link meridian.store.Store#open}, then {@link meridian.store.Store#users()} and
 * {@link meridian.store.Store#events()}. Ingest is one transaction per call and returns only after the
 * commit, so an acknowledged event is durable; event ids make it idempotent. Events of users that do not
 * exist are rejected (the whole call, with the unknown ids listed). Aggregates are folded with the core
 * {@link meridian.core.aggregate.UserAggregate}, the same code as {@code meridian aggregate}.
 */
package meridian.store;
