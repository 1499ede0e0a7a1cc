"""scopelint: declarative, checkable Microsoft Graph permissions for Microsoft 365 automation."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/scopelint/scopelint"  # pyproject.toml's Repository URL (a test keeps them equal)
