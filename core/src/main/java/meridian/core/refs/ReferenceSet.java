package meridian.core.refs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import meridian.core.index.NearestIndex;

/**
 * A named, immutable set of places stored by column (ids, names, coordinates, and one column per extra
 * attribute such as country or population), with its {@link NearestIndex} built once at construction. The
 * text columns are UTF-8 bytes ({@link TextColumn}): their strings are made when asked for.
 * Positions {@code 0..size()-1} are the order the places were given in; the index answers in positions.
 */
public final class ReferenceSet {
    private final String name;
    private final TextColumn ids;
    private final TextColumn names;
    private final double[] lat;
    private final double[] lon;
    private final List<String> attributeNames;
    private final TextColumn[] attributes; // [attribute]
    private final NearestIndex index;

    /** The places and the index over their points ({@link NearestIndex#build}, or a snapshot's stored tree). */
    ReferenceSet(
            String name,
            TextColumn ids,
            TextColumn names,
            double[] lat,
            double[] lon,
            List<String> attributeNames,
            TextColumn[] attributes,
            NearestIndex index) {
        this.name = name;
        this.ids = ids;
        this.names = names;
        this.lat = lat;
        this.lon = lon;
        this.attributeNames = List.copyOf(attributeNames);
        this.attributes = attributes;
        this.index = index;
    }

    /** Builds a set from place values, for callers that assemble places in code. */
    public static ReferenceSet of(String name, List<Place> places) {
        int n = places.size();
        String[] ids = new String[n];
        String[] names = new String[n];
        double[] lat = new double[n];
        double[] lon = new double[n];
        List<String> attrNames = places.stream()
                .flatMap(p -> p.attributes().keySet().stream())
                .distinct()
                .toList();
        String[][] attrs = new String[attrNames.size()][n];
        for (int i = 0; i < n; i++) {
            Place p = places.get(i);
            ids[i] = p.id();
            names[i] = p.name();
            lat[i] = p.lat();
            lon[i] = p.lon();
            for (int a = 0; a < attrNames.size(); a++) {
                attrs[a][i] = p.attributes().get(attrNames.get(a));
            }
        }
        ReferenceSetReader.checkUniqueIds(ids, name);
        return ofColumns(name, n, ids, names, lat, lon, attrNames, attrs);
    }

    /**
     * A set of the first {@code n} places of value columns (arrays that may be longer, as a reader grows
     * them): ids, names and attributes become text columns, the coordinates are trimmed to {@code n}, the index
     * is built over them.
     */
    static ReferenceSet ofColumns(
            String name,
            int n,
            String[] ids,
            String[] names,
            double[] lat,
            double[] lon,
            List<String> attrNames,
            String[][] attrs) {
        double[] placeLat = lat.length == n ? lat : Arrays.copyOf(lat, n);
        double[] placeLon = lon.length == n ? lon : Arrays.copyOf(lon, n);
        TextColumn[] attributes = new TextColumn[attrs.length];
        for (int a = 0; a < attributes.length; a++) {
            attributes[a] = TextColumn.of(attrs[a], n);
        }
        return new ReferenceSet(
                name,
                TextColumn.of(ids, n),
                TextColumn.of(names, n),
                placeLat,
                placeLon,
                attrNames,
                attributes,
                NearestIndex.build(placeLat, placeLon));
    }

    /** The same places under another name. */
    public ReferenceSet withName(String newName) {
        return new ReferenceSet(newName, ids, names, lat, lon, attributeNames, attributes, index);
    }

    public String name() {
        return name;
    }

    public int size() {
        return lat.length;
    }

    public NearestIndex index() {
        return index;
    }

    public String id(int position) {
        return ids.get(position);
    }

    public String placeName(int position) {
        return names.get(position);
    }

    /** {@link #id}'s UTF-8 bytes, without a string made on the way (a copy, or null). */
    public byte[] idUtf8(int position) {
        return ids.utf8(position);
    }

    /** {@link #placeName}'s UTF-8 bytes, without a string made on the way (a copy, or null). */
    public byte[] placeNameUtf8(int position) {
        return names.utf8(position);
    }

    public double lat(int position) {
        return lat[position];
    }

    public double lon(int position) {
        return lon[position];
    }

    public List<String> attributeNames() {
        return attributeNames;
    }

    /** Value of attribute column {@code attribute} (see {@link #attributeNames()}) at a position, or null. */
    public String attribute(int position, int attribute) {
        return attributes[attribute].get(position);
    }

    public Place place(int position) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int a = 0; a < attributeNames.size(); a++) {
            String v = attributes[a].get(position);
            if (v != null) {
                attrs.put(attributeNames.get(a), v);
            }
        }
        return new Place(ids.get(position), names.get(position), lat[position], lon[position], attrs);
    }

    @Override
    public String toString() {
        return "ReferenceSet[" + name + ", " + size() + " places, attributes " + attributeNames + "]";
    }
}
