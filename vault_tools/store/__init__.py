"""The cache (data only) and the one sync loop that reads a vault through it."""
