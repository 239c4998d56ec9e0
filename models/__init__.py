"""The trained models that ship with digitnet (see README.md in this folder)."""
