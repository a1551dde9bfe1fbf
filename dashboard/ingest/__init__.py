"""Readers for the statistical exports staff import (PC-Axis, PxWeb CSV, JSON-stat 2.0).

Every reader returns :class:`dashboard.ingest.common.StatTable` objects or raises
:class:`dashboard.ingest.common.IngestError` listing every problem found in the file.
"""
