"""The UiPath project scanner: projects, workflows, Microsoft 365 activities with file:line, scope sign-in modes and
requested scopes, package facts. Public names are re-exported here; see docs/architecture.md for the modules."""

from scopelint.uipath.model import (
    O365_PACKAGE,
    PACKAGES,
    SCOPE_CLASS,
    TEAMS_PACKAGE,
    ActivityUse,
    Diagnostic,
    GraphCall,
    LibraryHint,
    PackageRef,
    Project,
    ScanResult,
    ScopeUse,
    ScopeValue,
)
from scopelint.uipath.nuget import NuGetRange, parse_nuget_range
from scopelint.uipath.scanner import PARALLEL_MIN_FILES, resolve, scan, scope_auth
from scopelint.uipath.workflow import DEFAULT_MAX_FILE_BYTES, declares_activity_assembly, scan_file
from scopelint.uipath.xaml import DEFAULT_MAX_XML_DEPTH

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_MAX_XML_DEPTH",
    "O365_PACKAGE",
    "PACKAGES",
    "PARALLEL_MIN_FILES",
    "SCOPE_CLASS",
    "TEAMS_PACKAGE",
    "ActivityUse",
    "Diagnostic",
    "GraphCall",
    "LibraryHint",
    "NuGetRange",
    "PackageRef",
    "Project",
    "ScanResult",
    "ScopeUse",
    "ScopeValue",
    "declares_activity_assembly",
    "parse_nuget_range",
    "resolve",
    "scan",
    "scan_file",
    "scope_auth",
]
