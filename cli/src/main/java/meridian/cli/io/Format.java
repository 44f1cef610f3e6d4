package meridian.cli.io;

import meridian.core.io.Input;

/** The record file formats {@code process} reads and writes (the names of its {@code --format} option). */
public enum Format {
    CSV,
    NDJSON,
    JSON;

    /** The record format of an input opened by core's rule: objects are NDJSON, an array JSON. */
    public static Format of(Input.Format format) {
        return switch (format) {
            case CSV -> CSV;
            case JSON_OBJECTS -> NDJSON;
            case JSON_ARRAY -> JSON;
        };
    }
}
