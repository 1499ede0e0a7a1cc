"""scopelint: declarative, checkable Microsoft Graph permissions for Microsoft 365 automation."""

__version__ = "0.1.0"
