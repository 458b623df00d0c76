"""desk: the offline desktop application for medical-insurance service windows."""

__version__ = "0.1.0"
