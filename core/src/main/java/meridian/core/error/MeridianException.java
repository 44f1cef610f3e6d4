package meridian.core.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A product error: a stable machine-readable {@link #code()}, a message a user understands, and the
 * context that locates the problem ({@link #detail()}: file, line, field, ...). The subclasses form a
 * closed set so that every face of the product (CLI exit codes, HTTP statuses) maps them exhaustively.
 */
public abstract sealed class MeridianException extends RuntimeException
        permits InvalidInputException, NotFoundException, ConflictException, UnavailableException, RefusedException {

    private final String code;
    private final Map<String, Object> detail;

    protected MeridianException(String code, String message, Map<String, Object> detail, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail));
    }

    /** Stable error code, e.g. {@code invalid_coordinate}; part of the public contract. */
    public String code() {
        return code;
    }

    /** Where the error is: keys such as {@code file}, {@code line}, {@code field}, {@code value}. */
    public Map<String, Object> detail() {
        return detail;
    }
}
