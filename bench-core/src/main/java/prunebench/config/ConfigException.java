package prunebench.config;

/** Bad input: a message that names the file, the key or line, and what was expected. Exit code 2. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
