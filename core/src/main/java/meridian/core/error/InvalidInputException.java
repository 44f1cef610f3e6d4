package meridian.core.error;

import java.util.Map;

/** The caller's input is wrong: malformed, out of range, missing a field. Never retryable as is. */
public final class InvalidInputException extends MeridianException {
    public InvalidInputException(String code, String message, Map<String, Object> detail) {
        super(code, message, detail, null);
    }

    public InvalidInputException(String code, String message, Map<String, Object> detail, Throwable cause) {
        super(code, message, detail, cause);
    }
}
