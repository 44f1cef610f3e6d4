package meridian.core.error;

import java.util.Map;

/** A resource the work needs is temporarily missing (saturated, database down); retry later. */
public final class UnavailableException extends MeridianException {
    public UnavailableException(String code, String message, Map<String, Object> detail, Throwable cause) {
        super(code, message, detail, cause);
    }
}
