package meridian.store;

import meridian.core.aggregate.AggregateSnapshot;

/** A user with the rollup of all its events ({@code aggregate.count() == 0} before the first event). */
public record UserDetails(User user, AggregateSnapshot aggregate) {}
