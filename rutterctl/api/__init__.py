"""The Rutter HTTP client: auth, version header, retries, pacing, error classification."""
