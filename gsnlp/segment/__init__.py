"""Segmentation: non-report regions, sections, metadata, sentences."""
