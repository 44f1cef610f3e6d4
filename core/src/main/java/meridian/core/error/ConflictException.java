package meridian.core.error;

import java.util.Map;

/** The request contradicts the current state (a duplicate name, a concurrent change). */
public final class ConflictException extends MeridianException {
    public ConflictException(String code, String message, Map<String, Object> detail) {
        super(code, message, detail, null);
    }
}
