package meridian.store;

import java.util.List;

/**
 * One page of users in id order. {@code nextAfter} is the cursor for the next page (pass it as
 * {@code after}); null on the last page.
 */
public record UserPage(List<User> users, Long nextAfter) {}
