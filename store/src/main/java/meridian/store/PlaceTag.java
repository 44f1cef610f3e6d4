package meridian.store;

/**
 * The nearest place of an event, found by the caller before the event is stored (the store does no
 * enrichment).
 *
 * @param id the place's id
 * @param name the place's name
 * @param km great-circle distance from the event to the place
 */
public record PlaceTag(String id, String name, double km) {}
