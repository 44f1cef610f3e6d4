package meridian.cli.io;

import java.util.List;
import meridian.core.refs.RowError;

/** A block of {@code process}: its output is rows in {@link #out}, and bad rows are listed for the writer. */
abstract class OutputBlock extends Block {
    /** Good rows written to {@link #out} by the last {@link #process}. */
    abstract int goodRows();

    /** The first bad rows of the block, in order (all of them, or at least the first {@link BadRows#REPORTED}). */
    abstract List<RowError> errors();

    /** Bad rows of the block in all, listed in {@link #errors()} or not. */
    abstract long errorCount();
}
