package prunebench.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The code version: the git commit baked in at build time (target/classes/prunebench-version.properties). */
public final class Version {
    private Version() {}

    public static String describe() {
        try (InputStream in = Version.class.getResourceAsStream("/prunebench-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown") + " (" + p.getProperty("commit", "unknown") + ")";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
