package meridian.cli;

import meridian.core.refs.ReferenceSetReader;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the product version and the attribution the bundled data requires. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "meridian " + (v == null ? "dev" : v),
            ReferenceSetReader.ATTRIBUTION,
            meridian.core.region.Regions.ATTRIBUTION
        };
    }
}
