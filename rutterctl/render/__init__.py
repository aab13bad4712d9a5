"""Output: rich on a terminal, plain text when piped, JSON/NDJSON/CSV for machines.

The only package that imports rich, and only inside the functions that draw on a terminal.
"""
