package meridian.cli;

import java.nio.file.Path;
import meridian.core.refs.ErrorPolicy;
import meridian.core.refs.ReferenceSet;
import meridian.core.refs.ReferenceSetReader;

/** The {@code --refs FILE|cities} option shared by the commands: a reference-set file or the bundled set. */
final class References {
    static final String DESCRIPTION = "reference set: a CSV (id,name,lat,lon,...) or GeoJSON file, optionally"
            + " gzipped, or 'cities' for the bundled GeoNames cities (default: ${DEFAULT-VALUE})";

    private References() {}

    /** Loads the set; a bad row in it stops with its line number (exit 1), a missing file with exit 3. */
    static ReferenceSet load(String refs) {
        if (refs.equals(ReferenceSetReader.BUNDLED_NAME)) {
            return ReferenceSetReader.bundled();
        }
        return ReferenceSetReader.load(Path.of(refs), ErrorPolicy.FAIL_FAST).set();
    }
}
