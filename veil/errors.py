"""One root exception for the package. Messages name the input and the fix, never a personal value."""


class VeilError(Exception):
    """Root of every error Veil raises on purpose; the CLI prints it without a traceback."""


class ConfigError(VeilError):
    """A setting is missing or malformed; the message names the environment variable to set."""


class ServiceUnavailable(VeilError):
    """A required service (PostgreSQL, Spark Thrift, Kafka broker) does not answer."""


class ExportError(VeilError):
    """An export to PostgreSQL failed verification; the previous version of the table was kept."""
