package prunebench.util;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Keeps libtorch's C++ warnings off the user's terminal. DJL's JNI bridge enters the deprecated
 * {@code AutoNonVariableTypeMode}, and libtorch 2.7.1 prints "Warning: AutoNonVariableTypeMode is deprecated ..."
 * through c10's logging straight on the process's stderr (file descriptor 2, past any Java stream): noise about
 * DJL's internals, nothing a user can act on.
 *
 * <p>c10 takes its threshold from the environment variable {@code TORCH_CPP_LOG_LEVEL}, but only in
 * {@code c10::initLogging()}, which Python's {@code import torch} calls and a JNI host such as DJL never does: the
 * variable alone changes nothing here. {@link #apply()} therefore sets the variable to {@code ERROR} unless the user
 * set it (through libc's {@code setenv}, since the JVM cannot change its own environment) and calls
 * {@code c10::initLogging()} of the loaded libc10 once, before the first tensor operation. A value the user set is
 * kept: {@code TORCH_CPP_LOG_LEVEL=WARNING} brings the warnings back.
 */
public final class TorchLogLevel {
    public static final String VARIABLE = "TORCH_CPP_LOG_LEVEL";
    public static final String LEVEL = "ERROR";

    private TorchLogLevel() {}

    private static boolean applied;

    /**
     * Once libtorch is loaded (the engine started) and before it computes: c10's log threshold from
     * {@value #VARIABLE}, {@value #LEVEL} unless the user set it. Returns whether c10 took it.
     */
    public static synchronized boolean apply() {
        if (applied) {
            return true;
        }
        try {
            if (System.getenv(VARIABLE) == null) {
                Function setenv = NativeLibrary.getInstance("c").getFunction("setenv");
                setenv.invokeInt(new Object[] {VARIABLE, LEVEL, 0});
            }
            // Already loaded by the engine: dlopen finds it by its soname, nothing is loaded twice.
            NativeLibrary.getInstance("c10").getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
            applied = true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // not a glibc, or another libtorch build: the warning may show, nothing else changes
        }
        return applied;
    }
}
