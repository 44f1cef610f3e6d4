package meridian.core.error;

import java.util.Map;

/** A named thing (reference set, user, file) does not exist. */
public final class NotFoundException extends MeridianException {
    public NotFoundException(String code, String message, Map<String, Object> detail) {
        super(code, message, detail, null);
    }
}
