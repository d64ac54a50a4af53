package prunebench.cli;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.zip.ZipFile;
import prunebench.config.ConfigException;

/**
 * A researcher's own strategies, models and datasets without forking: jars and class folders given with
 * {@code --plugins} (repeatable) or {@code PRUNEBENCH_PLUGINS} (colon-separated) are added to the class path, and
 * their {@link ServiceLoader} registrations ({@code META-INF/services/<interface>}) are found with the built-in
 * ones. A name registered twice is bad input, naming both origins.
 */
final class Plugins {
    private final List<Path> paths;
    private final ClassLoader loader;

    private Plugins(List<Path> paths, ClassLoader loader) {
        this.paths = paths;
        this.loader = loader;
    }

    /** The plug-ins of {@code flags} then {@code environment} (PRUNEBENCH_PLUGINS, may be null), each checked. */
    static Plugins of(List<Path> flags, String environment) {
        // Each entry with how it was given, for the error messages.
        Map<Path, String> given = new LinkedHashMap<>();
        flags.forEach(p -> given.putIfAbsent(p, "--plugins " + p));
        if (environment != null) {
            for (String part : environment.split(File.pathSeparator)) {
                if (!part.isBlank()) {
                    given.putIfAbsent(Path.of(part), "PRUNEBENCH_PLUGINS entry " + part);
                }
            }
        }
        List<Path> paths = new ArrayList<>();
        List<URL> urls = new ArrayList<>();
        given.forEach((path, how) -> {
            Path p = path.toAbsolutePath().normalize();
            check(p, how);
            if (!paths.contains(p)) {
                paths.add(p);
                try {
                    urls.add(p.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new ConfigException(how + ": " + e.getMessage());
                }
            }
        });
        ClassLoader parent = Plugins.class.getClassLoader();
        return new Plugins(List.copyOf(paths),
                urls.isEmpty() ? parent : new URLClassLoader("prunebench-plugins", urls.toArray(URL[]::new), parent));
    }

    private static void check(Path p, String given) {
        if (Files.isDirectory(p)) {
            return;
        }
        if (!Files.isRegularFile(p)) {
            throw new ConfigException(given + ": no such jar or class folder");
        }
        try (ZipFile zip = new ZipFile(p.toFile())) {
            zip.size();
        } catch (IOException e) {
            throw new ConfigException(given + ": not a jar file (" + e.getMessage() + ")");
        }
    }

    List<Path> paths() {
        return paths;
    }

    /** The built-in class path followed by the plug-ins: for processes that start with them on their class path. */
    String classpath(String builtIn) {
        StringBuilder cp = new StringBuilder(builtIn);
        paths.forEach(p -> cp.append(File.pathSeparator).append(p));
        return cp.toString();
    }

    /**
     * Every registered implementation of {@code type}, built-in and plug-in; a broken registration or a name
     * ({@code names}) registered twice is bad input.
     */
    <T> List<T> load(Class<T> type, String kind, Function<T, Collection<String>> names) {
        List<T> out = new ArrayList<>();
        Map<String, T> byName = new LinkedHashMap<>();
        java.util.Set<String> classes = new java.util.HashSet<>();
        try {
            for (T provider : ServiceLoader.load(type, loader)) {
                // The same class twice (a plug-in also on the class path, as in Slurm jobs) is one registration.
                if (!classes.add(provider.getClass().getName())) {
                    continue;
                }
                for (String name : names.apply(provider)) {
                    T other = byName.putIfAbsent(name, provider);
                    if (other != null) {
                        throw new ConfigException(kind + " '" + name + "' is registered twice: by " + origin(other)
                                + " (" + other.getClass().getName() + ") and by " + origin(provider) + " ("
                                + provider.getClass().getName() + ")");
                    }
                }
                out.add(provider);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigException("a " + kind + " registration in META-INF/services/" + type.getName()
                    + " cannot be loaded: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        }
        return out;
    }

    /** Where an implementation comes from: {@code plugin <path>} or {@code built-in (<jar or folder>)}. */
    String origin(Object provider) {
        Path source = source(provider.getClass());
        if (source != null) {
            for (Path p : paths) {
                if (source.equals(p)) {
                    return "plugin " + p;
                }
            }
            return "built-in (" + (Files.isDirectory(source) ? source : source.getFileName()) + ")";
        }
        return "built-in";
    }

    private static Path source(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
