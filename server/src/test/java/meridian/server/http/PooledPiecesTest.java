package meridian.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import meridian.testkit.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bytes gathered in pieces come out as written, whatever the sizes of the writes; nothing is left held. */
@ExtendWith(Seeds.class) // -Dmeridian.seed=N replays; a failure prints the command
class PooledPiecesTest {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true); // counts live direct bytes

    @Test
    void randomWritesComeOutAsWritten() {
        Random rnd = new Random(Seeds.seed());
        int piece = PooledPieces.PIECE;
        // empty, less than a piece, exactly one, a piece and one byte, many pieces and a remainder
        for (int total : new int[] {0, 1, piece - 1, piece, piece + 1, 3 * piece, 7 * piece + rnd.nextInt(piece)}) {
            byte[] data = new byte[total];
            rnd.nextBytes(data);
            var pieces = new PooledPieces(alloc);
            var expected = new ByteArrayOutputStream();
            List<ByteBuf> inputs = new ArrayList<>();
            for (int at = 0; at < total; ) {
                int n = Math.min(total - at, rnd.nextInt(3) == 0 ? 1 : 1 + rnd.nextInt(2 * piece));
                switch (rnd.nextInt(3)) {
                    case 0 -> pieces.write(data, at, n);
                    case 1 -> {
                        for (int i = 0; i < n; i++) {
                            pieces.write(data[at + i]);
                        }
                    }
                    default -> {
                        ByteBuf in = Unpooled.wrappedBuffer(data, at, n);
                        pieces.append(in);
                        assertThat(in.isReadable()).isFalse();
                        inputs.add(in);
                    }
                }
                expected.write(data, at, n);
                at += n;
            }
            ByteBuf out = pieces.take();
            assertThat(ByteBufUtil.getBytes(out)).as("%d bytes", total).isEqualTo(expected.toByteArray());
            assertThat(out.release() || total == 0).isTrue();
            assertThat(ByteBufUtil.getBytes(pieces.take())).as("empty again").isEmpty();
            inputs.forEach(ByteBuf::release);
        }
        assertThat(alloc.metric().usedDirectMemory()).as("pieces given back").isZero();
    }

    @Test
    void aCopyHoldsTheBytesInOneBufferUpToAPieceAndInPiecesAbove() {
        Random rnd = new Random(Seeds.seed() + 1);
        for (int n : new int[] {0, 1, PooledPieces.PIECE, PooledPieces.PIECE + 1, 5 * PooledPieces.PIECE + 3}) {
            byte[] data = new byte[n];
            rnd.nextBytes(data);
            ByteBuf copy = PooledPieces.copyOf(alloc, data);
            assertThat(ByteBufUtil.getBytes(copy)).as("%d bytes", n).isEqualTo(data);
            assertThat(copy.nioBufferCount())
                    .as("%d bytes", n)
                    .isEqualTo(n <= PooledPieces.PIECE ? 1 : (n + PooledPieces.PIECE - 1) / PooledPieces.PIECE);
            copy.release();
        }
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    @Test
    void releaseGivesEveryPieceBack() {
        var pieces = new PooledPieces(alloc);
        pieces.write(new byte[5 * PooledPieces.PIECE + 17], 0, 5 * PooledPieces.PIECE + 17);
        pieces.release();
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }
}
