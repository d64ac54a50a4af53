package prunebench.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libtorch's "AutoNonVariableTypeMode is deprecated" warning is written by native code on file descriptor 2, so it
 * is only seen from outside the process: a fresh JVM computes something as a run does and its stderr is read.
 */
class TorchLogLevelTest {
    private static String stderrOf(String mode, String logLevel) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TorchWarningProbe.class.getName(), mode)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(TorchLogLevel.VARIABLE);
        if (logLevel != null) {
            builder.environment().put(TorchLogLevel.VARIABLE, logLevel);
        }
        Process p = builder.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return err;
    }

    @Test
    void libtorchsDeprecationWarningNoLongerReachesTheUser() throws Exception {
        String without = stderrOf("plain", null);
        assertTrue(without.contains("AutoNonVariableTypeMode is deprecated"),
                "the probe must provoke the warning, else this test proves nothing:\n" + without);
        String quiet = stderrOf("apply", null);
        assertFalse(quiet.contains("AutoNonVariableTypeMode"), quiet);
        // The user's own setting wins.
        String asked = stderrOf("apply", "WARNING");
        assertTrue(asked.contains("AutoNonVariableTypeMode is deprecated"), asked);
    }
}
