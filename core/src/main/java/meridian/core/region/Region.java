package meridian.core.region;

/**
 * One unit of a region set (a country, a territory): its feature id as written in the file (ISO 3166-1
 * numeric for the bundled countries; may be null), its name, and its ISO 3166-1 alpha-2 and alpha-3 codes
 * when known (null otherwise: disputed and special units have none).
 */
public record Region(String id, String name, String alpha2, String alpha3) {}
