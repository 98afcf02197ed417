package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.Generator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into the jar; it goes into every map as the generator's version. */
public final class MapgenVersion implements IVersionProvider {
    static Generator generator() {
        Properties properties = new Properties();
        try (InputStream in = MapgenVersion.class.getResourceAsStream("/mapgen.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Generator("mapgen", properties.getProperty("version"));
    }

    @Override
    public String[] getVersion() {
        return new String[] {"mapgen " + generator().version()};
    }
}
