package meridian.server.http;

import java.io.IOException;
import java.util.Map;

/** Opens the user-body decoder to the fuzzing harness in another package. */
public final class UserBodies {
    private UserBodies() {}

    public static Map<String, String> parse(byte[] body) throws IOException {
        return UsersApi.parseUser(body);
    }
}
