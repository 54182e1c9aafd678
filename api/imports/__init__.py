"""Bulk import and export of the dataset as a bundle (JSON Lines), for the CLI and ``/v1/imports``, ``/v1/export``."""
