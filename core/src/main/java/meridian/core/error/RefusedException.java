package meridian.core.error;

import java.util.Map;

/**
 * The request is well formed but refused before any work is done: no or an unknown credential
 * ({@code unauthorized}), too low a role ({@code forbidden}), the wrong content type
 * ({@code unsupported_media_type}), a {@code Host} or {@code Origin} the service does not answer for
 * ({@code misdirected_request}, {@code forbidden_origin}), a client too slow to send its request
 * ({@code request_timeout}). The code decides the status where the family is mapped.
 */
public final class RefusedException extends MeridianException {
    public RefusedException(String code, String message, Map<String, Object> detail) {
        super(code, message, detail, null);
    }
}
