package meridian.cli.io;

/**
 * What the header of a CSV input says: its raw bytes (echoed to the output), how many fields a row has,
 * where id, lat and lon are, and the names the user gave lat and lon (for error messages).
 */
record CsvLayout(
        byte[] headerBytes, int fieldCount, int idCol, int latCol, int lonCol, String latName, String lonName) {}
