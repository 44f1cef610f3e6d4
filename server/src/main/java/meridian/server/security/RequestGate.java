package meridian.server.security;

import meridian.core.error.RefusedException;

/**
 * Decides, from the request line and headers alone, whether an HTTP request may proceed: called once per
 * request by the HTTP layer before the body is read and before any admission or workspace is taken. A
 * refusal is a {@link RefusedException}, answered as a JSON error like every other product error.
 */
@FunctionalInterface
public interface RequestGate {

    /** Lets every request through: the behaviour without tokens or host and origin policies. */
    RequestGate OPEN = head -> {};

    /**
     * Throws {@link RefusedException} when the request must not proceed.
     *
     * @param head the parts of the request the decision may use
     */
    void check(RequestHead head);

    /**
     * What the gate may look at. Header values are as received, or {@code null} when absent.
     *
     * @param method the request method, upper case
     * @param path the request path without the query string
     * @param host the {@code Host} header
     * @param origin the {@code Origin} header
     * @param contentType the {@code Content-Type} header
     * @param authorization the {@code Authorization} header
     */
    record RequestHead(
            String method, String path, String host, String origin, String contentType, String authorization) {}
}
