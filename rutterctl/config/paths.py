"""Where rutterctl keeps its files: platformdirs, overridable by environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def config_dir(environ: Mapping[str, str]) -> Path:
    """`RUTTERCTL_CONFIG_DIR`, else the platform's user config dir (e.g. ~/.config/rutterctl)."""
    override = environ.get("RUTTERCTL_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("rutterctl", appauthor=False))


def cache_dir(environ: Mapping[str, str]) -> Path:
    """`RUTTERCTL_CACHE_DIR`, else the platform's user cache dir (e.g. ~/.cache/rutterctl)."""
    override = environ.get("RUTTERCTL_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("rutterctl", appauthor=False))
