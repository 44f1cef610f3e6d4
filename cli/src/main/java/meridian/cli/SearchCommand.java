package meridian.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "search", mixinStandardHelpOptions = true, description = "Find places by name or near a point.")
final class SearchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
