package meridian.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import meridian.core.error.InvalidInputException;
import meridian.core.error.NotFoundException;

/**
 * The bearer tokens the service accepts, each with its {@link Role}. Only SHA-256 digests are kept: a
 * presented token is hashed and compared with every stored digest by {@link MessageDigest#isEqual}
 * (constant time for equal lengths, and digests are always 32 bytes), without stopping at the first match,
 * so neither the token's prefix nor which entry matched shows in the timing. Tokens are never logged: errors
 * about the file name the line, not its content.
 *
 * <p>File format: one {@code ROLE TOKEN} per line ({@code read}, {@code write} or {@code admin}), blank lines
 * and lines starting with {@code #} ignored. A token is at least {@link #MIN_LENGTH} characters without white
 * space.
 */
public final class Tokens {
    /** Shortest token accepted: 16 characters make guessing over the network hopeless only if random. */
    public static final int MIN_LENGTH = 16;

    private final byte[][] digests;
    private final Role[] roles;

    private Tokens(List<byte[]> digests, List<Role> roles) {
        this.digests = digests.toArray(new byte[0][]);
        this.roles = roles.toArray(new Role[0]);
    }

    /** Reads a tokens file; a bad line stops the start with its line number. */
    public static Tokens load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NotFoundException(
                    "file_not_found", "no such tokens file: " + file, Map.of("file", file.toString()));
        } catch (IOException e) {
            throw new InvalidInputException(
                    "unreadable_file",
                    "cannot read tokens file " + file + ": " + e.getMessage(),
                    Map.of("file", file.toString()));
        }
        return parse(lines, file.toString());
    }

    /** Parses {@code ROLE TOKEN} lines; {@code source} names them in errors. */
    public static Tokens parse(List<String> lines, String source) {
        List<byte[]> digests = new ArrayList<>();
        List<Role> roles = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            Role role = parts.length == 2 ? Role.parse(parts[0]) : null;
            if (role == null) {
                throw bad(source, i + 1, "expected 'ROLE TOKEN' with ROLE one of read, write, admin");
            }
            if (parts[1].length() < MIN_LENGTH) {
                throw bad(source, i + 1, "the token is shorter than " + MIN_LENGTH + " characters");
            }
            byte[] d = digest(parts[1]);
            for (byte[] other : digests) {
                if (MessageDigest.isEqual(other, d)) {
                    throw bad(source, i + 1, "the same token is listed twice");
                }
            }
            digests.add(d);
            roles.add(role);
        }
        if (digests.isEmpty()) {
            throw new InvalidInputException(
                    "invalid_tokens", source + ": no token in the file", Map.of("file", source));
        }
        return new Tokens(digests, roles);
    }

    private static InvalidInputException bad(String source, int line, String why) {
        return new InvalidInputException(
                "invalid_tokens", source + ", line " + line + ": " + why, Map.of("file", source, "line", line));
    }

    /** The role of {@code token}, or null when it is not one of ours. */
    public Role roleOf(String token) {
        if (token == null) {
            return null;
        }
        byte[] d = digest(token);
        Role found = null;
        for (int i = 0; i < digests.length; i++) {
            if (MessageDigest.isEqual(digests[i], d)) {
                found = roles[i];
            }
        }
        return found;
    }

    public int size() {
        return digests.length;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
