package prunebench.bench;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Switches of libtorch's global context that DJL's JNI does not expose, reached through JNA for the benchmark's
 * options table only (never in a run: they change which kernels compute, hence the numbers).
 *
 * <p>{@code at::globalContext()} and {@code at::Context::setUserEnabledMkldnn(bool)} are exported by
 * libtorch_cpu.so (C++ names, Itanium ABI: a member function takes {@code this} first). With oneDNN off, a float32
 * convolution takes ATen's own path ({@code _slow_conv2d_forward}: im2col and a BLAS matrix product), the one
 * {@code torch.backends.mkldnn.flags(enabled=False)} selects in Python.
 */
final class LibtorchFlags {
    private LibtorchFlags() {
    }

    /** Turns oneDNN (MKL-DNN) kernels on or off for this process; returns the setting libtorch then reports. */
    static boolean setMkldnnEnabled(boolean enabled) {
        NativeLibrary torch = NativeLibrary.getInstance(loadedLibrary("libtorch_cpu.so").toString());
        Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] {context, enabled});
        Function query = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");
        return query.invokeInt(new Object[] {context}) != 0;
    }

    /** The path this process loaded {@code name} from (DJL extracts libtorch into its cache folder). */
    private static Path loadedLibrary(String name) {
        try {
            Optional<Path> path = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(p -> p.endsWith("/" + name)).findFirst().map(Path::of);
            return path.orElseThrow(() -> new IllegalStateException(name + " is not loaded in this process"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
