"""Configuration: platformdirs paths, settings from the environment, credentials, caches."""
