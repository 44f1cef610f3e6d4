package meridian.core.text;

/** Whether text is plain ASCII: such text needs no UTF-8 encoding and folds to lower case char by char. */
public final class Ascii {
    private Ascii() {}

    /** True when every char of {@code s} is below 0x80. */
    public static boolean isAscii(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
